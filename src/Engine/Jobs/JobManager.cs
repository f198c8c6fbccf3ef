using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using Easel.Engine.Pipelines;

namespace Easel.Engine.Jobs;

/// <summary>The work a job runs: an engine call that reports progress and honours cancellation.</summary>
public delegate Task<GenerationResult> JobWork(IProgress<GenerationProgress> progress, CancellationToken cancellationToken);

/// <summary>
/// Runs generations in the background so callers with short request timeouts can start one, return at once with
/// an id, and poll (or long-poll) for progress and the result. Concurrency and queueing stay with the engine:
/// a job simply holds the engine call's task. Finished jobs are kept for <see cref="Retention"/> (and at most
/// <see cref="MaxFinishedJobs"/>) so a late poll still finds its result.
/// </summary>
public sealed class JobManager : IDisposable
{
    private readonly ConcurrentDictionary<string, Job> _jobs = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public JobManager(TimeSpan? retention = null, int maxFinishedJobs = 256, TimeProvider? time = null)
    {
        Retention = retention ?? TimeSpan.FromHours(1);
        MaxFinishedJobs = maxFinishedJobs;
        _time = time ?? TimeProvider.System;
    }

    public TimeSpan Retention { get; }
    public int MaxFinishedJobs { get; }

    /// <summary>
    /// Starts <paramref name="work"/> and returns its first snapshot. Errors the engine raises before any work
    /// begins (bad input, a full queue) are thrown here rather than recorded, so the caller hears "busy" or
    /// "steps: out of range" at once instead of finding a failed job later.
    /// </summary>
    public JobSnapshot Start(string operation, JobWork work)
    {
        ArgumentNullException.ThrowIfNull(work);
        Prune();
        var job = new Job(NewId(), operation, _time.GetUtcNow());
        Task<GenerationResult> task;
        try
        {
            task = work(job, job.Cancellation.Token);
        }
        catch
        {
            job.Cancellation.Dispose();
            throw;
        }
        if (task.IsFaulted && task.Exception?.InnerException is { } early)
        {
            job.Cancellation.Dispose();
            ExceptionDispatchInfo.Capture(early).Throw();
        }
        job.Completion = FinishAsync(job, task);
        _jobs[job.Id] = job; // visible only once WaitAsync has something to wait on
        return job.Snapshot();
    }

    public JobSnapshot? Get(string id) => _jobs.TryGetValue(id, out var job) ? job.Snapshot() : null;

    /// <summary>Jobs newest first.</summary>
    public IReadOnlyList<JobSnapshot> List() =>
        _jobs.Values.Select(j => j.Snapshot()).OrderByDescending(s => s.Created).ThenByDescending(s => s.Id, StringComparer.Ordinal).ToList();

    /// <summary>Requests cancellation; the engine stops within one denoising step. Null when the id is unknown.</summary>
    public JobSnapshot? Cancel(string id)
    {
        if (!_jobs.TryGetValue(id, out var job)) return null;
        if (!job.Snapshot().IsFinished)
        {
            try { job.Cancellation.Cancel(); }
            catch (ObjectDisposedException) { /* finished meanwhile */ }
        }
        return job.Snapshot();
    }

    /// <summary>Waits until the job finishes or <paramref name="timeout"/> passes, then returns its snapshot.</summary>
    public async Task<JobSnapshot?> WaitAsync(string id, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (!_jobs.TryGetValue(id, out var job)) return null;
        if (timeout > TimeSpan.Zero && job.Completion is { } completion && !completion.IsCompleted)
        {
            try
            {
                await completion.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Still running: the caller gets the current progress.
            }
        }
        return job.Snapshot();
    }

    private async Task FinishAsync(Job job, Task<GenerationResult> task)
    {
        try
        {
            var result = await task.ConfigureAwait(false);
            job.Finish(JobState.Succeeded, result, null, _time.GetUtcNow());
        }
        catch (OperationCanceledException)
        {
            job.Finish(JobState.Cancelled, null, "cancelled", _time.GetUtcNow());
        }
        catch (EaselException ex)
        {
            job.Finish(JobState.Failed, null, ex.Message, _time.GetUtcNow());
        }
        catch (Exception ex)
        {
            // Not a user error: keep the type so the report is actionable, the server log has the stack.
            job.Finish(JobState.Failed, null, $"internal error ({ex.GetType().Name}): {ex.Message}", _time.GetUtcNow());
        }
        finally
        {
            job.Cancellation.Dispose();
        }
    }

    /// <summary>Drops finished jobs past their retention, then the oldest finished ones over the cap.</summary>
    private void Prune()
    {
        var now = _time.GetUtcNow();
        var finished = _jobs.Values.Select(j => j.Snapshot()).Where(s => s.IsFinished).OrderBy(s => s.Finished).ToList();
        int excess = finished.Count - MaxFinishedJobs + 1;
        foreach (var s in finished)
        {
            if (excess > 0 || now - s.Finished > Retention)
            {
                _jobs.TryRemove(s.Id, out _);
                excess--;
            }
        }
    }

    private static string NewId() => "job-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();

    public void Dispose()
    {
        foreach (var job in _jobs.Values)
        {
            try { job.Cancellation.Cancel(); }
            catch (ObjectDisposedException) { }
        }
    }

    /// <summary>Mutable job state behind a lock; progress arrives synchronously on the engine's worker thread.</summary>
    private sealed class Job(string id, string operation, DateTimeOffset created) : IProgress<GenerationProgress>
    {
        private readonly object _gate = new();
        private JobState _state = JobState.Queued;
        private string _stage = "queued";
        private int _completed, _total;
        private int? _queuePosition;
        private DateTimeOffset? _finished;
        private GenerationResult? _result;
        private string? _error;

        public string Id { get; } = id;
        public CancellationTokenSource Cancellation { get; } = new();
        public Task? Completion { get; set; }

        public void Report(GenerationProgress value)
        {
            lock (_gate)
            {
                if (_finished is not null) return;
                _stage = value.Stage;
                if (value.Stage == "queued")
                {
                    _queuePosition = value.QueuePosition;
                }
                else
                {
                    _state = JobState.Running;
                    _queuePosition = null;
                }
                if (value.Total > 0) _total = value.Total;
                if (value.Stage == "denoising") _completed = value.Completed;
            }
        }

        public void Finish(JobState state, GenerationResult? result, string? error, DateTimeOffset at)
        {
            lock (_gate)
            {
                _state = state;
                _stage = state.ToString().ToLowerInvariant();
                _result = result;
                _error = error;
                _finished = at;
                _queuePosition = null;
                if (state == JobState.Succeeded) _completed = _total;
            }
        }

        public JobSnapshot Snapshot()
        {
            lock (_gate)
                return new JobSnapshot(Id, operation, _state, _stage, _completed, _total, _queuePosition, created, _finished, _result, _error);
        }
    }
}
