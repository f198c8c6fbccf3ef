using System.Security.Cryptography;
using System.Text.Json;
using Easel.Engine;
using Easel.Engine.Imaging;
using Easel.Engine.Jobs;
using Easel.Engine.Pipelines;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Easel.Queue;

/// <summary>
/// The front-end side of the Redis Streams queue: adds a job to its model's stream (refused when the stream holds
/// <see cref="QueueOptions.Limit"/> jobs), relays the worker's progress, sends cancellation, and saves the images
/// of the one outcome a worker wrote into this process's <see cref="ImageStore"/> (never overwriting).
/// </summary>
public sealed class RedisJobDispatcher : IJobDispatcher, IDisposable
{
    // Atomic check-and-add, so concurrent front-ends cannot overfill a stream. Returns the new depth, or -depth when full.
    private const string SubmitScript = """
        local n = redis.call('XLEN', KEYS[1])
        if n >= tonumber(ARGV[1]) then return -n end
        redis.call('XADD', KEYS[1], '*', 'id', ARGV[2], 'job', ARGV[3])
        return n + 1
        """;

    /// <summary>How often a waiting caller looks at the result key when no "done" message arrived (a lost message costs this).</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    /// <summary>How long a cancelled caller waits for the worker to confirm before returning anyway.</summary>
    private static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(10);

    private readonly ConnectionMultiplexer _redis;
    private readonly QueueOptions _options;
    private readonly ImageStore _store;
    private readonly ILogger _logger;

    private RedisJobDispatcher(ConnectionMultiplexer redis, QueueOptions options, ImageStore store, ILogger logger)
    {
        _redis = redis;
        _options = options;
        _store = store;
        _logger = logger;
    }

    /// <summary>Connects (without failing while Redis is down: calls then fail with a clear error until it is back).</summary>
    public static async Task<RedisJobDispatcher> ConnectAsync(QueueOptions options, ImageStore store, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Redis)) throw new EaselValidationException("queue", "Easel:Queue:Redis is not set.");
        if (options.Limit < 1) throw new EaselValidationException("queue", $"Easel:Queue:Limit must be at least 1 (got {options.Limit}).");
        var redis = await RedisConnection.ConnectAsync(options.Redis).ConfigureAwait(false);
        return new RedisJobDispatcher(redis, options, store, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Easel.Queue"));
    }

    /// <summary>Hands every generation of <paramref name="engine"/> to the queue when Easel:Queue:Redis is set; returns whether it did.</summary>
    public static bool Attach(EaselEngine engine, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        if (string.IsNullOrWhiteSpace(engine.Options.Queue.Redis)) return false;
        engine.Dispatcher = ConnectAsync(engine.Options.Queue, engine.Store, loggerFactory).GetAwaiter().GetResult();
        return true;
    }

    private string Endpoint => _options.Redis ?? "";

    public async Task<GenerationResult> RunAsync(QueuedJob job, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        cancellationToken.ThrowIfCancellationRequested();
        _store.EnsureWritable(); // the results land here: a bad folder fails before the job is queued
        var id = NewId();
        var db = _redis.GetDatabase();
        var subscriber = _redis.GetSubscriber();
        using var signal = new SemaphoreSlim(0);
        var relayed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ChannelMessageQueue? events = null;
        try
        {
            try
            {
                // Subscribed before the job exists, so no step is missed; one queue, so every step is relayed before "done".
                events = await subscriber.SubscribeAsync(QueueKeys.Events(id)).ConfigureAwait(false);
                events.OnMessage(message =>
                {
                    if (message.Message == QueueKeys.DoneMessage)
                    {
                        relayed.TrySetResult();
                        Release(signal);
                    }
                    else Relay(message.Message, progress);
                });
                await SubmitAsync(db, id, job).ConfigureAwait(false);
            }
            catch (Exception ex) when (RedisConnection.IsOutage(ex))
            {
                throw RedisConnection.Unavailable(Endpoint, ex);
            }
            var count = job.Generate?.Count ?? job.Edit?.Generation.Count ?? 1;
            progress?.Report(new GenerationProgress("queued", 0, count, 0, 0, (int)Math.Max(1, QueueMetrics.Depth(job.Model) ?? 1)));
            var outcome = await WaitAsync(db, id, signal, cancellationToken).ConfigureAwait(false);
            // Found by a poll, the outcome can be ahead of the steps still in the subscription; wait for them briefly
            // (the "done" message ends them), but a lost message (Redis restarted) only costs this grace.
            if (progress is not null)
                await relayed.Task.WaitAsync(Poll, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return Finish(id, job, outcome, cancellationToken);
        }
        finally
        {
            if (events is not null) await Unsubscribe(events).ConfigureAwait(false);
        }
    }

    public async Task<int> LiveWorkersAsync(string model, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return (int)await LiveWorkersAsync(_redis.GetDatabase(), model).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisConnection.IsOutage(ex))
        {
            throw RedisConnection.Unavailable(Endpoint, ex);
        }
    }

    /// <summary>Workers of the model whose last heartbeat is within <see cref="QueueWorker.WorkerStaleMs"/>.</summary>
    private static Task<long> LiveWorkersAsync(IDatabase db, string model) =>
        db.SortedSetLengthAsync(QueueKeys.Workers(model), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - QueueWorker.WorkerStaleMs, double.PositiveInfinity);

    private async Task SubmitAsync(IDatabase db, string id, QueuedJob job)
    {
        long alive = await LiveWorkersAsync(db, job.Model).ConfigureAwait(false);
        if (alive == 0)
            throw new EaselException($"queue: no worker serves model '{job.Model}' (none sent a heartbeat in the last {QueueWorker.WorkerStaleMs / 1000} s). Start one: easel worker --queue {Endpoint}");
        var ttl = TimeSpan.FromSeconds(_options.ResultTtlSeconds);
        // Pipelined: the record exists before the entry, as they reach Redis in this order on one connection.
        var record = db.HashSetAsync(QueueKeys.Job(id),
        [
            new("state", "queued"),
            new("model", job.Model),
            new("operation", job.OperationName),
            new("created", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()),
        ]);
        var expiry = db.KeyExpireAsync(QueueKeys.Job(id), ttl);
        var submitted = db.ScriptEvaluateAsync(SubmitScript, [QueueKeys.Stream(job.Model)], [_options.Limit, id, QueueJson.Serialize(job)]);
        await Task.WhenAll(record, expiry, submitted).ConfigureAwait(false);
        var depth = (long)submitted.Result;
        if (depth < 0)
        {
            await db.KeyDeleteAsync(QueueKeys.Job(id)).ConfigureAwait(false);
            QueueMetrics.ReportDepth(job.Model, -depth);
            throw new EaselBusyException($"Easel is busy: {-depth} job(s) queued or running for model '{job.Model}' (the queue limit Easel:Queue:Limit is {_options.Limit}). Try again shortly.");
        }
        QueueMetrics.ReportDepth(job.Model, depth);
        await db.PublishAsync(QueueKeys.Wake(job.Model), id, CommandFlags.FireAndForget).ConfigureAwait(false);
        _logger.LogInformation("job {JobId}: queued {Operation} on model {Model} ({Depth} in its stream)", id, job.OperationName, job.Model, depth);
    }

    /// <summary>Waits for the outcome: woken by the worker's "done" message, checking the result key on every wake-up and poll.</summary>
    private async Task<JobOutcome> WaitAsync(IDatabase db, string id, SemaphoreSlim signal, CancellationToken cancellationToken)
    {
        DateTimeOffset? cancelledAt = null, missingSince = null, downSince = null;
        using var registration = cancellationToken.Register(() =>
        {
            _ = RequestCancelAsync(db, id);
            Release(signal);
        });
        while (true)
        {
            var now = DateTimeOffset.UtcNow;
            if (cancellationToken.IsCancellationRequested)
            {
                cancelledAt ??= now;
                if (now - cancelledAt > CancelGrace) throw new OperationCanceledException(cancellationToken);
            }
            try
            {
                var stored = await db.StringGetAsync(QueueKeys.Result(id)).ConfigureAwait(false);
                downSince = null;
                if (stored.HasValue) return QueueJson.Deserialize<JobOutcome>(stored.ToString());
                // Without persistence a restarted Redis forgets the job; a worker that still runs it recreates the record.
                if (await db.KeyExistsAsync(QueueKeys.Job(id)).ConfigureAwait(false)) missingSince = null;
                else if ((now - (missingSince ??= now)).TotalSeconds > _options.LostAfterSeconds)
                    throw new EaselException($"queue: job {id} was lost: Redis no longer knows it (restarted without persistence?) and no worker reported it for {_options.LostAfterSeconds:0} s. Submit it again.");
            }
            catch (Exception ex) when (RedisConnection.IsOutage(ex))
            {
                // A worker keeps its result until Redis is back; wait as long as a lost job would be waited for.
                if (downSince is null) _logger.LogWarning("job {JobId}: Redis unavailable while waiting for the result: {Message}", id, ex.Message);
                if ((now - (downSince ??= now)).TotalSeconds > _options.LostAfterSeconds) throw RedisConnection.Unavailable(Endpoint, ex);
            }
            await signal.WaitAsync(Poll, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task RequestCancelAsync(IDatabase db, string id)
    {
        try
        {
            // The key covers a job no worker has taken yet and a missed message; the message reaches the running one now.
            await db.StringSetAsync(QueueKeys.Cancel(id), "1", TimeSpan.FromSeconds(_options.ResultTtlSeconds)).ConfigureAwait(false);
            await db.PublishAsync(QueueKeys.Cancels, id).ConfigureAwait(false);
            _logger.LogInformation("job {JobId}: cancel requested", id);
        }
        catch (Exception ex) when (RedisConnection.IsOutage(ex))
        {
            _logger.LogWarning("job {JobId}: could not send the cancel, Redis unavailable: {Message}", id, ex.Message);
        }
    }

    private GenerationResult Finish(string id, QueuedJob job, JobOutcome outcome, CancellationToken cancellationToken)
    {
        switch (outcome.State)
        {
            case JobOutcome.Cancelled:
                _logger.LogInformation("job {JobId}: cancelled on worker {Worker}", id, outcome.Worker);
                throw new OperationCanceledException($"job {id} was cancelled", cancellationToken);
            case JobOutcome.Failed:
                _logger.LogInformation("job {JobId}: failed on worker {Worker}: {Error}", id, outcome.Worker, outcome.Error);
                throw Rebuild(outcome);
        }
        var payload = outcome.Result ?? throw new EaselException($"queue: job {id} succeeded without a result.");
        var images = payload.Images.Select(i => (Png: i.Png ?? ReadShared(i.File), Metadata: ImageMetadata.FromJson(i.Metadata)
            ?? throw new EaselException($"queue: job {id} returned an image without metadata."))).ToList();
        // One save per job: the result key is written once, so a retried job never yields a second set.
        var stored = _store.SaveAll(images.Select(i => (i.Png, i.Metadata.Seed)).ToList());
        foreach (var file in payload.Images.Select(i => i.File).OfType<string>()) DeleteShared(file);
        _logger.LogInformation("job {JobId}: {Count} image(s) from worker {Worker} (attempt {Attempt}) saved", id, stored.Count, outcome.Worker, outcome.Attempt);
        return new GenerationResult(payload.Model, images.Select((i, n) => new GeneratedImage(stored[n], i.Metadata)).ToList(), payload.Warnings,
            new GenerationTimings(TimeSpan.FromMilliseconds(payload.TotalMs), TimeSpan.FromMilliseconds(payload.OnnxMs), payload.OnnxRuns,
                payload.StepMs.Select(TimeSpan.FromMilliseconds).ToList()));
    }

    private static EaselException Rebuild(JobOutcome outcome)
    {
        var message = outcome.Error ?? "failed on a worker";
        return outcome.ErrorKind switch
        {
            "validation" when outcome.Field is { } field => new EaselValidationException(field,
                message.StartsWith(field + ": ", StringComparison.Ordinal) ? message[(field.Length + 2)..] : message),
            "busy" => new EaselBusyException(message),
            _ => new EaselException(message),
        };
    }

    private byte[] ReadShared(string? file)
    {
        if (_options.SharedFolder is not { } folder || string.IsNullOrEmpty(file) || file != Path.GetFileName(file))
            throw new EaselException($"queue: a worker left an image in a shared folder, but Easel:Queue:SharedFolder is not set here (or the name '{file}' is not a plain file name).");
        return LocalFile.ReadRegular(Path.Combine(folder, file), ImageReference.MaxFileBytes, "image");
    }

    private void DeleteShared(string file)
    {
        try { File.Delete(Path.Combine(_options.SharedFolder!, file)); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { /* left for the TTL sweep of the folder's owner */ }
    }

    private static void Relay(RedisValue message, IProgress<GenerationProgress>? progress)
    {
        if (progress is null || !message.HasValue) return;
        try
        {
            progress.Report(QueueJson.Deserialize<GenerationProgress>(message.ToString()));
        }
        catch (JsonException)
        {
            // Progress is advisory; a malformed message must not fail the job.
        }
    }

    private static void Release(SemaphoreSlim signal)
    {
        try { signal.Release(); }
        catch (ObjectDisposedException) { /* the wait is over */ }
    }

    private static async Task Unsubscribe(ChannelMessageQueue queue)
    {
        try { await queue.UnsubscribeAsync().ConfigureAwait(false); }
        catch (Exception ex) when (RedisConnection.IsOutage(ex)) { /* the subscription dies with the connection */ }
    }

    internal static string NewId() => "job-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();

    public void Dispose() => _redis.Dispose();
}
