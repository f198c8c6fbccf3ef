using Easel.Engine;
using Easel.Engine.Pipelines;

namespace Easel.McpServer.Http;

/// <summary>
/// Runs one engine call for an image API request: forwards progress (synchronously, from the worker thread) to the
/// route's handler, counts the request in the queue-depth metric while it waits for a worker, and records step times
/// and images. Limits and validation stay in the engine.
/// </summary>
internal sealed class ImageApiRunner(EaselEngine engine, ImageApiMetrics metrics)
{
    public EaselEngine Engine { get; } = engine;

    public async Task<GenerationResult> RunAsync(
        string route,
        Func<IProgress<GenerationProgress>, CancellationToken, Task<GenerationResult>> work,
        Action<GenerationProgress>? onProgress,
        CancellationToken cancellationToken)
    {
        var sink = new Sink(metrics, onProgress);
        try
        {
            var result = await work(sink, cancellationToken).ConfigureAwait(false);
            foreach (var step in result.Timings.StepTimes) metrics.Step(step);
            metrics.Images(route, result.Images.Count);
            return result;
        }
        finally
        {
            sink.LeaveQueue();
        }
    }

    private sealed class Sink(ImageApiMetrics metrics, Action<GenerationProgress>? forward) : IProgress<GenerationProgress>
    {
        private int _queued;

        public void Report(GenerationProgress value)
        {
            if (value.Stage == "queued")
            {
                if (Interlocked.Exchange(ref _queued, 1) == 0) metrics.Queued(1);
            }
            else LeaveQueue();
            forward?.Invoke(value);
        }

        public void LeaveQueue()
        {
            if (Interlocked.Exchange(ref _queued, 0) == 1) metrics.Queued(-1);
        }
    }
}
