using System.Diagnostics.Metrics;

namespace Easel.McpServer.Http;

/// <summary>
/// Instruments of the image API routes (meter "Easel.Http"), exportable with OpenTelemetry's
/// <c>AddMeter("Easel.Http")</c>: requests by route and status, requests waiting for an engine worker, denoising step
/// time and images produced.
/// </summary>
public sealed class ImageApiMetrics
{
    public const string MeterName = "Easel.Http";

    private readonly Counter<long> _requests;
    private readonly UpDownCounter<long> _queueDepth;
    private readonly Histogram<double> _stepTime;
    private readonly Counter<long> _images;
    private readonly Histogram<double> _duration;

    public ImageApiMetrics(Meter meter)
    {
        Meter = meter;
        _requests = meter.CreateCounter<long>("easel.http.requests", "{request}", "Requests to the image API routes.");
        _queueDepth = meter.CreateUpDownCounter<long>("easel.http.queue_depth", "{request}", "Requests waiting for an engine worker.");
        _stepTime = meter.CreateHistogram<double>("easel.http.step_time", "ms", "Time of one denoising step.");
        _images = meter.CreateCounter<long>("easel.http.images", "{image}", "Images returned.");
        _duration = meter.CreateHistogram<double>("easel.http.request_duration", "ms", "Time to answer a request.");
    }

    /// <summary>The meter the instruments belong to (a listener can select exactly this host's instruments).</summary>
    public Meter Meter { get; }

    public void Request(string route, int status, TimeSpan duration)
    {
        var tags = new KeyValuePair<string, object?>[] { new("http.route", route), new("http.response.status_code", status) };
        _requests.Add(1, tags);
        _duration.Record(duration.TotalMilliseconds, tags);
    }

    public void Queued(int delta) => _queueDepth.Add(delta);

    public void Step(TimeSpan time) => _stepTime.Record(time.TotalMilliseconds);

    public void Images(string route, int count) => _images.Add(count, new KeyValuePair<string, object?>("http.route", route));
}
