using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Easel.McpServer.Http;
using Easel.Testing;

namespace Easel.HttpApi.Tests;

/// <summary>One engine queue for every route: a waiting request counts against its limit, a full queue answers 429 with Retry-After; the metrics see it all.</summary>
public sealed class QueueAndMetricsTests
{
    /// <summary>Measurements of exactly one host's meter.</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        public ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> Seen { get; } = new();
        public TaskCompletionSource Queued { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Recorder(Meter meter)
        {
            _listener.InstrumentPublished = (instrument, listener) => { if (instrument.Meter == meter) listener.EnableMeasurementEvents(instrument); };
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i.Name, v, tags));
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i.Name, v, tags));
            _listener.Start();
        }

        private void Record(string name, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags) copy[tag.Key] = tag.Value;
            Seen.Enqueue((name, value, copy));
            if (name == "easel.http.queue_depth" && value > 0) Queued.TrySetResult();
        }

        public void Dispose() => _listener.Dispose();
    }

    [Fact]
    public async Task A_full_queue_answers_429_with_retry_after_and_the_metrics_show_requests_queue_steps_and_images()
    {
        await using var server = await ServerHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Easel:MaxConcurrentGenerations"] = "1",
            ["Easel:QueueLength"] = "1",
            ["Easel:Http:ImageApis:RetryAfterSeconds"] = "7",
        });
        using var recorder = new Recorder(server.ImageApis.Metrics.Meter);

        // 1. An A1111 run holds the only worker: the gate keeps it at its second step until it is interrupted, so it is
        //    provably still going at any load.
        using var gate = new StepGate(server.Engine, holdAtCall: 2);
        var running = server.PostJsonAsync("sdapi/v1/txt2img", new { prompt = "long", steps = 400, width = 64, height = 64, sampler_name = "Euler" });
        await gate.WaitUntilHeldAsync(Timeouts.Call);
        var (_, progress) = await server.GetJsonAsync("sdapi/v1/progress");
        Assert.Equal(1, progress.GetProperty("state").GetProperty("sampling_step").GetInt32());

        // 2. An OpenAI request waits in the queue (the one place there is)...
        var waiting = server.PostJsonAsync("v1/images/generations", new { prompt = "queued", n = 2, steps = 2, size = "64x64" });
        await recorder.Queued.Task.Within("the queued request to show in easel.http.queue_depth");

        // 3. ...so the next one finds the queue full.
        var (busy, busyBody) = await server.PostJsonAsync("v1/images/generations", new { prompt = "one too many", steps = 2 });
        Assert.Equal(HttpStatusCode.TooManyRequests, busy.StatusCode);
        Assert.Equal("7", busy.Headers.RetryAfter?.ToString());
        Assert.Equal("rate_limit_exceeded", busyBody.GetProperty("error").GetProperty("code").GetString());
        var (busyA1111, _) = await server.PostJsonAsync("sdapi/v1/txt2img", new { prompt = "also too many", steps = 2 });
        Assert.Equal(HttpStatusCode.TooManyRequests, busyA1111.StatusCode);

        // 4. Stop the long run; the waiting request gets the worker and finishes.
        await server.PostJsonAsync("sdapi/v1/interrupt", new { });
        await running.Within("the interrupted run");
        var (done, doneBody) = await waiting.Within("the queued request");
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal(2, doneBody.GetProperty("data").GetArrayLength());
        Assert.Matches(@"^engine;dur=\d+(\.\d)?$", done.Headers.GetValues("Server-Timing").Single());

        var seen = recorder.Seen.ToList();
        Assert.Equal(0, seen.Where(m => m.Instrument == "easel.http.queue_depth").Sum(m => m.Value));
        Assert.Contains(seen, m => m.Instrument == "easel.http.requests" && (string?)m.Tags["http.route"] == "/v1/images/generations" && (int?)m.Tags["http.response.status_code"] == 429);
        Assert.Contains(seen, m => m.Instrument == "easel.http.requests" && (string?)m.Tags["http.route"] == "/v1/images/generations" && (int?)m.Tags["http.response.status_code"] == 200);
        Assert.Equal(2, seen.Where(m => m.Instrument == "easel.http.images" && (string?)m.Tags["http.route"] == "/v1/images/generations").Sum(m => m.Value));
        Assert.True(seen.Count(m => m.Instrument == "easel.http.step_time") >= 4, "step times of the queued request (2 images × 2 steps) were not recorded");
        Assert.Contains(seen, m => m.Instrument == "easel.http.request_duration");
    }
}
