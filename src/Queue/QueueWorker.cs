using System.Diagnostics;
using Easel.Engine;
using Easel.Engine.Jobs;
using Easel.Engine.Pipelines;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Easel.Queue;

/// <summary>
/// <c>easel worker</c>: takes jobs for the models its engine serves from their streams (consumer group
/// <see cref="QueueKeys.Group"/>), one at a time, and writes each job's outcome once. A job whose worker went
/// silent for <see cref="QueueOptions.ClaimIdleSeconds"/> is reclaimed (XAUTOCLAIM) and run again, up to
/// <see cref="QueueOptions.MaxAttempts"/> deliveries; a live worker keeps its job by re-claiming it as a heartbeat.
/// </summary>
public sealed class QueueWorker : IDisposable
{
    /// <summary>A worker not seen for this long no longer counts as serving its models.</summary>
    public const long WorkerStaleMs = 15_000;
    private static readonly TimeSpan HeartbeatEvery = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);

    private readonly EaselEngine _engine;
    private readonly QueueOptions _options;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<string> _models;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly HashSet<string> _groupsReady = new(StringComparer.OrdinalIgnoreCase);
    private ConnectionMultiplexer? _redis;
    private volatile Running? _current;
    private bool _wasDown;

    public QueueWorker(EaselEngine engine, IReadOnlyList<string> models, string name, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
        _options = engine.Options.Queue;
        _models = models;
        Name = name;
        _logger = logger;
        if (string.IsNullOrWhiteSpace(_options.Redis)) throw new EaselValidationException("queue", "is required: easel worker --queue HOST:PORT (or Easel:Queue:Redis).");
        if (_options.MaxAttempts < 1) throw new EaselValidationException("max-attempts", $"must be at least 1 (got {_options.MaxAttempts}).");
        if (_options.ClaimIdleSeconds <= 0) throw new EaselValidationException("claim-idle", $"must be above 0 seconds (got {_options.ClaimIdleSeconds}).");
        if (models.Count == 0) throw new EaselException("worker: no usable model found; it would take no jobs. Check --models / EASEL_MODELS.");
    }

    /// <summary>This worker's consumer name in every group (and in the job records and logs).</summary>
    public string Name { get; }

    public IReadOnlyList<string> Models => _models;

    private sealed record Running(string Id, string Model, RedisValue EntryId, CancellationTokenSource Cancel);

    private IDatabase Db => _redis!.GetDatabase();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _redis = await RedisConnection.ConnectAsync(_options.Redis!).ConfigureAwait(false);
        var subscriber = _redis.GetSubscriber();
        (await subscriber.SubscribeAsync(QueueKeys.Cancels).ConfigureAwait(false)).OnMessage(m =>
        {
            if (_current is { } running && running.Id == m.Message.ToString())
            {
                _logger.LogInformation("job {JobId}: cancel received", running.Id);
                running.Cancel.Cancel();
            }
        });
        foreach (var model in _models)
            (await subscriber.SubscribeAsync(QueueKeys.Wake(model)).ConfigureAwait(false)).OnMessage(_ => Wake());
        _redis.ConnectionRestored += (_, _) => Wake();
        _logger.LogInformation("worker {Worker}: serving {Models} from {Redis}", Name, string.Join(", ", _models), _options.Redis);
        using var heartbeat = new CancellationTokenSource();
        var beating = HeartbeatAsync(heartbeat.Token);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    if (await TakeAsync().ConfigureAwait(false) is { } taken)
                        await ProcessAsync(taken.Model, taken.Entry, taken.Reclaimed, cancellationToken).ConfigureAwait(false);
                    else
                        await _wake.WaitAsync(IdlePoll, cancellationToken).ConfigureAwait(false);
                    if (_wasDown)
                    {
                        _wasDown = false;
                        _logger.LogInformation("worker {Worker}: Redis reachable again, taking jobs", Name);
                    }
                }
                catch (Exception ex) when (RedisConnection.IsOutage(ex))
                {
                    if (!_wasDown) _logger.LogWarning("worker {Worker}: Redis unavailable, retrying: {Message}", Name, ex.Message);
                    _wasDown = true;
                    await _wake.WaitAsync(IdlePoll, cancellationToken).ConfigureAwait(false);
                }
                catch (RedisServerException ex) when (ex.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
                {
                    // Redis restarted empty (no persistence): the groups are gone with the streams.
                    _groupsReady.Clear();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            await heartbeat.CancelAsync().ConfigureAwait(false);
            await beating.ConfigureAwait(false);
            try
            {
                foreach (var model in _models) await Db.SortedSetRemoveAsync(QueueKeys.Workers(model), Name).ConfigureAwait(false);
            }
            catch (Exception ex) when (RedisConnection.IsOutage(ex)) { }
        }
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0) _wake.Release();
    }

    private async Task EnsureGroupAsync(string model)
    {
        if (_groupsReady.Contains(model)) return;
        try
        {
            // From the stream's start: jobs added before any worker existed are read too.
            await Db.StreamCreateConsumerGroupAsync(QueueKeys.Stream(model), QueueKeys.Group, "0", createStream: true).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
        }
        _groupsReady.Add(model);
    }

    /// <summary>A job abandoned by a silent worker first (XAUTOCLAIM), else a new one (XREADGROUP &gt;).</summary>
    private async Task<(string Model, StreamEntry Entry, bool Reclaimed)?> TakeAsync()
    {
        var db = Db;
        foreach (var model in _models)
        {
            await EnsureGroupAsync(model).ConfigureAwait(false);
            var stream = QueueKeys.Stream(model);
            var depth = db.StreamLengthAsync(stream);
            var claimed = await db.StreamAutoClaimAsync(stream, QueueKeys.Group, Name, (long)(_options.ClaimIdleSeconds * 1000), "0-0", 1).ConfigureAwait(false);
            QueueMetrics.ReportDepth(model, await depth.ConfigureAwait(false));
            if (claimed.ClaimedEntries.Length > 0) return (model, claimed.ClaimedEntries[0], true);
            var fresh = await db.StreamReadGroupAsync(stream, QueueKeys.Group, Name, StreamPosition.NewMessages, 1).ConfigureAwait(false);
            if (fresh.Length > 0) return (model, fresh[0], false);
        }
        return null;
    }

    private async Task ProcessAsync(string model, StreamEntry entry, bool reclaimed, CancellationToken shutdown)
    {
        var db = Db;
        var stream = QueueKeys.Stream(model);
        string id = entry["id"].ToString();
        if (string.IsNullOrEmpty(id) || !entry["job"].HasValue)
        {
            _logger.LogWarning("worker {Worker}: dropped malformed entry {Entry} in {Stream}", Name, entry.Id, stream);
            await AckAsync(stream, entry.Id).ConfigureAwait(false);
            return;
        }
        // Sent together (one round trip under load matters more than the commands): the job's whole record.
        var attemptTask = db.HashIncrementAsync(QueueKeys.Job(id), "attempts");
        var expireTask = db.KeyExpireAsync(QueueKeys.Job(id), Ttl);
        var recordTask = db.HashGetAsync(QueueKeys.Job(id), ["worker", "created"]);
        var doneTask = db.KeyExistsAsync(QueueKeys.Result(id));
        var cancelTask = db.KeyExistsAsync(QueueKeys.Cancel(id));
        await Task.WhenAll(attemptTask, expireTask, recordTask, doneTask, cancelTask).ConfigureAwait(false);
        var attempt = (int)attemptTask.Result;
        var previous = recordTask.Result[0].ToString();
        if (doneTask.Result)
        {
            // Finished by a worker that died before acknowledging: the outcome stands, nothing runs twice.
            _logger.LogInformation("job {JobId}: already finished, acknowledged", id);
            await AckAsync(stream, entry.Id).ConfigureAwait(false);
            return;
        }
        if (reclaimed)
        {
            QueueMetrics.Retries.Add(1, new KeyValuePair<string, object?>("model", model));
            _logger.LogWarning("job {JobId}: reclaimed from silent worker {Previous} (attempt {Attempt} of {Max})", id, previous, attempt, _options.MaxAttempts);
        }
        if (attempt > _options.MaxAttempts)
        {
            await WriteOutcomeAsync(id, stream, entry.Id, new JobOutcome
            {
                State = JobOutcome.Failed,
                ErrorKind = "failure",
                Error = $"job {id}: gave up after {_options.MaxAttempts} attempt(s): each worker that took it stopped responding mid-job (last: {previous}).",
                Worker = Name,
                Attempt = attempt,
            }, shutdown).ConfigureAwait(false);
            return;
        }
        if (cancelTask.Result)
        {
            await WriteOutcomeAsync(id, stream, entry.Id, new JobOutcome { State = JobOutcome.Cancelled, Worker = Name, Attempt = attempt }, shutdown).ConfigureAwait(false);
            return;
        }
        QueuedJob job;
        try
        {
            job = QueueJson.Deserialize<QueuedJob>(entry["job"].ToString());
        }
        catch (System.Text.Json.JsonException ex)
        {
            await WriteOutcomeAsync(id, stream, entry.Id, new JobOutcome { State = JobOutcome.Failed, ErrorKind = "internal", Error = $"job {id}: unreadable request: {ex.Message}", Worker = Name, Attempt = attempt }, shutdown).ConfigureAwait(false);
            return;
        }
        if ((long?)recordTask.Result[1] is { } ms) QueueMetrics.Wait.Record(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - ms, new KeyValuePair<string, object?>("model", model));
        await db.HashSetAsync(QueueKeys.Job(id), [new("state", "running"), new("worker", Name)]).ConfigureAwait(false);

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        _current = new Running(id, model, entry.Id, cancel);
        var worker = new KeyValuePair<string, object?>("worker", Name);
        QueueMetrics.InFlight.Add(1, worker);
        using var scope = _logger.BeginScope("job {JobId}", id);
        _logger.LogInformation("job {JobId}: started {Operation} on {Model} (attempt {Attempt})", id, job.OperationName, model, attempt);
        JobOutcome outcome;
        try
        {
            var result = await RunJobAsync(id, model, job, cancel.Token).ConfigureAwait(false);
            outcome = new JobOutcome { State = JobOutcome.Succeeded, Worker = Name, Attempt = attempt, Result = await ToPayloadAsync(result).ConfigureAwait(false) };
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            // Not the user's cancel: leave the entry unacknowledged for another worker to reclaim.
            _logger.LogWarning("job {JobId}: worker shutting down mid-job; left for another worker", id);
            return;
        }
        catch (OperationCanceledException)
        {
            outcome = new JobOutcome { State = JobOutcome.Cancelled, Worker = Name, Attempt = attempt };
        }
        catch (EaselValidationException ex)
        {
            outcome = new JobOutcome { State = JobOutcome.Failed, ErrorKind = "validation", Field = ex.Field, Error = ex.Message, Worker = Name, Attempt = attempt };
        }
        catch (EaselBusyException ex)
        {
            outcome = new JobOutcome { State = JobOutcome.Failed, ErrorKind = "busy", Error = ex.Message, Worker = Name, Attempt = attempt };
        }
        catch (EaselException ex)
        {
            outcome = new JobOutcome { State = JobOutcome.Failed, ErrorKind = "failure", Error = ex.Message, Worker = Name, Attempt = attempt };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogError(ex, "job {JobId}: internal error", id);
            outcome = new JobOutcome { State = JobOutcome.Failed, ErrorKind = "internal", Error = $"internal error on worker {Name} ({ex.GetType().Name}): {ex.Message}", Worker = Name, Attempt = attempt };
        }
        finally
        {
            _current = null;
            QueueMetrics.InFlight.Add(-1, worker);
        }
        QueueMetrics.Jobs.Add(1, new KeyValuePair<string, object?>("outcome", outcome.State), new KeyValuePair<string, object?>("model", model));
        _logger.LogInformation("job {JobId}: {State}{Error}", id, outcome.State, outcome.Error is { } e ? ": " + e : "");
        await WriteOutcomeAsync(id, stream, entry.Id, outcome, shutdown).ConfigureAwait(false);
    }

    private async Task<GenerationResult> RunJobAsync(string id, string model, QueuedJob job, CancellationToken ct)
    {
        // Published through the database, like the "done" message: one connection keeps the job's events in order.
        var db = Db;
        var channel = QueueKeys.Events(id);
        var clock = Stopwatch.StartNew();
        TimeSpan last = TimeSpan.Zero;
        var modelTag = new KeyValuePair<string, object?>("model", model);
        var progress = new SyncProgress(p =>
        {
            if (p.Stage == "denoising" && p.Step > 0)
            {
                var now = clock.Elapsed;
                QueueMetrics.StepTime.Record((now - last).TotalMilliseconds, modelTag);
                last = now;
                _logger.LogDebug("job {JobId}: step {Step}/{Steps} of image {Image}/{Images}", id, p.Step, p.Steps, p.Image + 1, p.Images);
            }
            else last = clock.Elapsed;
            // Fire and forget: progress is advisory and must never stall a step (or fail it while Redis is down).
            try { db.Publish(channel, QueueJson.Serialize(p), CommandFlags.FireAndForget); }
            catch (Exception ex) when (RedisConnection.IsOutage(ex)) { }
        });
        return job switch
        {
            { Generate: { } generate } => await _engine.GenerateAsync(generate, progress, ct).ConfigureAwait(false),
            { Operation: { } op, Edit: { } edit } => await _engine.EditAsync(op, edit, progress, ct).ConfigureAwait(false),
            _ => throw new EaselException($"job {id}: neither a generation nor an edit."),
        };
    }

    /// <summary>Reads the saved PNGs back (results in Redis: removed here) or leaves them in the shared folder.</summary>
    private async Task<JobPayload> ToPayloadAsync(GenerationResult result)
    {
        var images = new List<JobImage>();
        foreach (var image in result.Images)
        {
            bool shared = _options.SharedFolder is not null;
            images.Add(new JobImage
            {
                Png = shared ? null : await File.ReadAllBytesAsync(image.Path).ConfigureAwait(false),
                File = shared ? Path.GetFileName(image.Path) : null,
                Metadata = image.Metadata.ToJson(),
            });
            if (!shared) File.Delete(image.Path);
        }
        return new JobPayload
        {
            Model = result.Model,
            Images = images,
            Warnings = result.Warnings,
            TotalMs = result.Timings.Total.TotalMilliseconds,
            OnnxMs = result.Timings.OnnxRuntime.TotalMilliseconds,
            OnnxRuns = result.Timings.OnnxRuns,
            StepMs = result.Timings.StepTimes.Select(t => t.TotalMilliseconds).ToList(),
        };
    }

    /// <summary>
    /// Writes the outcome once (SET NX: a slower duplicate run loses and its images are dropped), tells the caller,
    /// and acknowledges the entry. Retries while Redis is down: the caller may still be waiting.
    /// </summary>
    private async Task WriteOutcomeAsync(string id, RedisKey stream, RedisValue entryId, JobOutcome outcome, CancellationToken shutdown)
    {
        while (true)
        {
            try
            {
                var db = Db;
                bool first = await db.StringSetAsync(QueueKeys.Result(id), QueueJson.Serialize(outcome), Ttl, When.NotExists).ConfigureAwait(false);
                if (!first)
                {
                    _logger.LogWarning("job {JobId}: another worker already finished it; this run's result is dropped", id);
                    DropShared(outcome);
                }
                // The outcome is stored: the rest goes out together, in order on the one connection.
                await Task.WhenAll(
                    db.PublishAsync(QueueKeys.Events(id), QueueKeys.DoneMessage),
                    db.HashSetAsync(QueueKeys.Job(id), [new("state", outcome.State), new("worker", outcome.Worker ?? Name)]),
                    db.KeyExpireAsync(QueueKeys.Job(id), Ttl),
                    AckAsync(stream, entryId)).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (RedisConnection.IsOutage(ex) && !shutdown.IsCancellationRequested)
            {
                _logger.LogWarning("job {JobId}: Redis unavailable, holding the {State} result until it is back: {Message}", id, outcome.State, ex.Message);
                try { await _wake.WaitAsync(IdlePoll, shutdown).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    private void DropShared(JobOutcome outcome)
    {
        foreach (var file in outcome.Result?.Images.Select(i => i.File).OfType<string>() ?? [])
        {
            try { File.Delete(Path.Combine(_options.SharedFolder!, file)); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        }
    }

    private async Task AckAsync(RedisKey stream, RedisValue entryId)
    {
        var db = Db;
        // The stream's length is the queue depth, so acknowledged entries are deleted too.
        await Task.WhenAll(db.StreamAcknowledgeAsync(stream, QueueKeys.Group, entryId), db.StreamDeleteAsync(stream, [entryId])).ConfigureAwait(false);
    }

    /// <summary>Announces the models served and keeps the running job's delivery fresh, so no one reclaims it.</summary>
    private async Task HeartbeatAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var db = Db;
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                foreach (var model in _models)
                {
                    await db.SortedSetAddAsync(QueueKeys.Workers(model), Name, now).ConfigureAwait(false);
                    await db.SortedSetRemoveRangeByScoreAsync(QueueKeys.Workers(model), double.NegativeInfinity, now - (10 * WorkerStaleMs)).ConfigureAwait(false);
                }
                if (_current is { } running)
                {
                    // The record first: after a restart without persistence it tells the caller the job still lives.
                    await db.HashSetAsync(QueueKeys.Job(running.Id), [new("state", "running"), new("worker", Name)]).ConfigureAwait(false);
                    await db.KeyExpireAsync(QueueKeys.Job(running.Id), Ttl).ConfigureAwait(false);
                    if (await db.KeyExistsAsync(QueueKeys.Cancel(running.Id)).ConfigureAwait(false)) running.Cancel.Cancel();
                    await db.StreamClaimIdsOnlyAsync(QueueKeys.Stream(running.Model), QueueKeys.Group, Name, 0, [running.EntryId]).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (RedisConnection.IsOutage(ex) || ex is RedisServerException)
            {
                // Reported by the main loop; the beat resumes when Redis is back.
            }
            catch (ObjectDisposedException)
            {
                // The running job's token source ended meanwhile.
            }
            try { await Task.Delay(HeartbeatEvery, ct).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }

    private TimeSpan Ttl => TimeSpan.FromSeconds(_options.ResultTtlSeconds);

    public void Dispose()
    {
        _redis?.Dispose();
        _wake.Dispose();
    }

    /// <summary>Reports on the engine's thread as it happens (<see cref="Progress{T}"/> would post and reorder).</summary>
    private sealed class SyncProgress(Action<GenerationProgress> report) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value) => report(value);
    }
}
