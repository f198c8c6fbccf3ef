using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Easel.Queue;

/// <summary>
/// The queue's instruments (meter "Easel.Queue"): depth per model stream, jobs in flight per worker, retries
/// (reclaimed deliveries), step and job times. Read them with dotnet-counters or any OpenTelemetry exporter.
/// </summary>
public static class QueueMetrics
{
    public const string MeterName = "Easel.Queue";

    private static readonly Meter Meter = new(MeterName, EngineInfoVersion);
    private static readonly ConcurrentDictionary<string, long> Depths = new(StringComparer.OrdinalIgnoreCase);

    internal static readonly UpDownCounter<int> InFlight = Meter.CreateUpDownCounter<int>("easel.queue.in_flight", "{job}", "Jobs a worker is running now (tag worker).");
    internal static readonly Counter<long> Retries = Meter.CreateCounter<long>("easel.queue.retries", "{job}", "Jobs taken over from a worker that stopped responding.");
    internal static readonly Counter<long> Jobs = Meter.CreateCounter<long>("easel.queue.jobs", "{job}", "Jobs finished, by outcome.");
    internal static readonly Histogram<double> StepTime = Meter.CreateHistogram<double>("easel.queue.step.duration", "ms", "Time per denoising step on a worker.");
    internal static readonly Histogram<double> Wait = Meter.CreateHistogram<double>("easel.queue.wait", "ms", "Time from submit until a worker started the job.");

    static QueueMetrics()
    {
        Meter.CreateObservableGauge("easel.queue.depth", () => Depths.Select(d => new Measurement<long>(d.Value, new KeyValuePair<string, object?>("model", d.Key))),
            "{job}", "Jobs waiting or running in a model's stream, as last read from Redis.");
    }

    internal static void ReportDepth(string model, long depth) => Depths[model] = depth;

    /// <summary>The last depth seen for a model (tests and the worker's status line).</summary>
    public static long? Depth(string model) => Depths.TryGetValue(model, out var d) ? d : null;

    private static string EngineInfoVersion => Engine.Imaging.EngineInfo.Version;
}
