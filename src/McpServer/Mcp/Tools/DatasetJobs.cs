using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using Easel.Engine;
using Easel.Engine.Datasets;
using Easel.McpServer.Mcp.Results;

namespace Easel.McpServer.Mcp.Tools;

/// <summary>
/// Data set runs in the background (they take minutes to hours): the id, the progress and the outcome of each.
/// Bad requests fail at start (the engine checks the whole request before its first image); a cancelled or failed
/// run leaves a consistent folder that the same request resumes. Jobs live as long as the server process.
/// </summary>
public sealed class DatasetJobs(EaselEngine engine) : IDisposable
{
    private readonly ConcurrentDictionary<string, Job> _jobs = new(StringComparer.Ordinal);

    /// <summary>Where MCP data sets go: the server's output folder, under datasets/.</summary>
    public string Root => Path.Combine(engine.Store.Directory, "datasets");

    /// <summary>
    /// A client's folder name resolved under <see cref="Root"/>: a remote client may write only where the server
    /// already writes its images, so absolute paths and '..' are refused.
    /// </summary>
    public string Folder(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Contains('\0', StringComparison.Ordinal))
            throw new EaselValidationException("out", "is required: a folder name such as 'shapes-v1'.");
        var root = Path.GetFullPath(Root) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(root, name));
        if (Path.IsPathRooted(name) || !full.StartsWith(root, StringComparison.Ordinal) || full.Length == root.Length)
            throw new EaselValidationException("out", $"'{name}' is not a folder name under the server's data set folder ({Root}); give a relative name without '..'.");
        return full;
    }

    public DatasetJobOutput Start(DatasetRequest request)
    {
        var job = new Job("dataset-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant(), Path.GetFullPath(request.OutputDirectory));
        var task = engine.DatasetAsync(request, job, job.Cancellation.Token);
        if (task.IsFaulted && task.Exception?.InnerException is { } early)
        {
            job.Cancellation.Dispose();
            ExceptionDispatchInfo.Capture(early).Throw();
        }
        job.Completion = FinishAsync(job, task);
        _jobs[job.Id] = job;
        return job.Describe();
    }

    public async Task<DatasetJobOutput?> WaitAsync(string id, TimeSpan timeout, CancellationToken ct)
    {
        if (!_jobs.TryGetValue(id, out var job)) return null;
        if (timeout > TimeSpan.Zero && job.Completion is { IsCompleted: false } completion)
        {
            try { await completion.WaitAsync(timeout, ct).ConfigureAwait(false); }
            catch (TimeoutException) { /* still running: report progress */ }
        }
        return job.Describe();
    }

    public DatasetJobOutput? Cancel(string id)
    {
        if (!_jobs.TryGetValue(id, out var job)) return null;
        try { job.Cancellation.Cancel(); }
        catch (ObjectDisposedException) { /* finished meanwhile */ }
        return job.Describe();
    }

    private static async Task FinishAsync(Job job, Task<DatasetResult> task)
    {
        try { job.Finish("succeeded", await task.ConfigureAwait(false), null); }
        catch (OperationCanceledException) { job.Finish("cancelled", null, "cancelled; start_dataset with the same arguments resumes it"); }
        catch (EaselException ex) { job.Finish("failed", null, ex.Message); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { job.Finish("failed", null, $"{ex.GetType().Name}: {ex.Message}"); }
        finally { job.Cancellation.Dispose(); }
    }

    public void Dispose()
    {
        foreach (var job in _jobs.Values)
        {
            try { job.Cancellation.Cancel(); }
            catch (ObjectDisposedException) { }
        }
    }

    private sealed class Job(string id, string directory) : IProgress<DatasetProgress>
    {
        private readonly object _gate = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private string _state = "queued";
        private DatasetProgress? _progress;
        private DatasetResult? _result;
        private string? _error;

        public string Id { get; } = id;
        public CancellationTokenSource Cancellation { get; } = new();
        public Task? Completion { get; set; }

        public void Report(DatasetProgress value)
        {
            lock (_gate)
            {
                if (_state is "queued" or "running") (_state, _progress) = ("running", value);
            }
        }

        public void Finish(string state, DatasetResult? result, string? error)
        {
            lock (_gate) (_state, _result, _error) = (state, result, error);
        }

        public DatasetJobOutput Describe()
        {
            lock (_gate)
            {
                int total = _result?.Total ?? _progress?.Total ?? 0;
                int done = _result?.Total ?? _progress?.Done ?? 0;
                int skipped = _result?.Skipped ?? _progress?.Skipped ?? 0;
                int made = _result?.Made ?? _progress?.Made ?? 0;
                var minutes = (_result?.Elapsed ?? _clock.Elapsed).TotalMinutes;
                return new DatasetJobOutput(Id, _state, _result?.Directory ?? directory, done, total, skipped,
                    made > 0 && minutes > 0 ? Math.Round(made / minutes, 1) : 0, _result?.Splits, _result?.Manifests, _error);
            }
        }
    }
}
