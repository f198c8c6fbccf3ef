using Easel.Engine.Pipelines;

namespace Easel.Engine.Jobs;

/// <summary>
/// Runs generations somewhere other than this process (a queue of workers). The engine validates a request and
/// resolves its model and seed first, then hands it here instead of running it; the queue returns the result with
/// the images saved in the caller's <see cref="Imaging.ImageStore"/>.
/// </summary>
public interface IJobDispatcher
{
    Task<GenerationResult> RunAsync(QueuedJob job, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken);

    /// <summary>Workers taking jobs for <paramref name="model"/> now: how many of a data set's items can run at once.</summary>
    Task<int> LiveWorkersAsync(string model, CancellationToken cancellationToken);
}
