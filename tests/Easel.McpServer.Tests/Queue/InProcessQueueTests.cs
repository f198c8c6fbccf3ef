using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Easel.Engine;
using Easel.Engine.Pipelines;
using Easel.Queue;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Easel.McpServer.Tests.Queue;

/// <summary>
/// The dispatcher and the worker inside this process (as an app using the SK services and a worker would run),
/// against a real redis-server: the engine-level switch and the metrics both ends report.
/// </summary>
[Collection(ScaleOutGroup.Name)]
public sealed class InProcessQueueTests
{
    [Fact]
    public async Task An_engine_with_the_dispatcher_attached_runs_jobs_on_a_worker_and_both_report_metrics()
    {
        using var redis = new RedisProcess();
        using var workerOutput = new TempDir();
        using var frontOutput = new TempDir();
        var seen = new ConcurrentQueue<(string Name, double Value)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == QueueMetrics.MeterName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((i, v, _, _) => seen.Enqueue((i.Name, v)));
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => seen.Enqueue((i.Name, v)));
        listener.SetMeasurementEventCallback<double>((i, v, _, _) => seen.Enqueue((i.Name, v)));
        listener.Start();

        await using var deployment = await Deployment.StartAsync(redis, workerOutput.Path, frontOutput.Path, sharedFolder: null);
        var front = deployment.Front;

        var result = await front.GenerateAsync(new GenerateRequest { Prompt = "a green triangle", Steps = 3, Count = 2, Seed = 9 }).Within("a job through the queue");
        Assert.Equal(2, result.Images.Count);
        Assert.All(result.Images, i => Assert.StartsWith(frontOutput.Path, i.Path, StringComparison.Ordinal));
        Assert.Equal([9L, 10L], result.Images.Select(i => i.Seed));
        Assert.Equal(2, frontOutput.Pngs.Length);
        Assert.Empty(workerOutput.Pngs); // the worker's copies travelled and are gone

        var invalid = await Assert.ThrowsAsync<EaselValidationException>(() => front.GenerateAsync(new GenerateRequest { Prompt = "x", Steps = 0 }));
        Assert.Equal("steps", invalid.Field); // checked on the front, before anything is queued

        listener.RecordObservableInstruments();
        var names = seen.Select(s => s.Name).ToHashSet();
        Assert.Contains("easel.queue.depth", names);
        Assert.Contains("easel.queue.wait", names);
        Assert.Contains("easel.queue.jobs", names);
        Assert.Equal(6, seen.Count(s => s.Name == "easel.queue.step.duration")); // 3 steps × 2 images
        Assert.Equal([1.0, -1.0], seen.Where(s => s.Name == "easel.queue.in_flight").Select(s => s.Value));
    }

    [Fact]
    public async Task With_a_shared_folder_the_pngs_travel_through_it_and_only_names_through_redis()
    {
        using var redis = new RedisProcess();
        using var shared = new TempDir();
        using var frontOutput = new TempDir();
        await using var deployment = await Deployment.StartAsync(redis, shared.Path, frontOutput.Path, sharedFolder: shared.Path);
        var front = deployment.Front;
        await using var client = await ConnectionMultiplexer.ConnectAsync(redis.Connection);

        var result = await front.GenerateAsync(new GenerateRequest { Prompt = "a blue square", Steps = 2, Seed = 4 }).Within("a job through the shared folder");
        Assert.StartsWith(frontOutput.Path, Assert.Single(result.Images).Path, StringComparison.Ordinal);
        Assert.Single(frontOutput.Pngs);
        Assert.Empty(shared.Pngs); // taken over by the front's store

        var key = Assert.Single(await client.GetServers()[0].KeysAsync(pattern: "easel:job:*:result").ToListAsync());
        var stored = (await client.GetDatabase().StringGetAsync(key)).ToString();
        Assert.Contains("\"file\":\"easel-", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("\"png\"", stored, StringComparison.Ordinal);
    }

    /// <summary>A worker and a front engine with the dispatcher attached, both in this process, over one Redis.</summary>
    private sealed class Deployment : IAsyncDisposable
    {
        private readonly EaselEngine _workerEngine;
        private readonly QueueWorker _worker;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _running;

        private Deployment(EaselEngine workerEngine, QueueWorker worker, EaselEngine front)
        {
            _workerEngine = workerEngine;
            _worker = worker;
            Front = front;
            _running = worker.RunAsync(_stop.Token);
        }

        public EaselEngine Front { get; }

        public static async Task<Deployment> StartAsync(RedisProcess redis, string workerOutput, string frontOutput, string? sharedFolder)
        {
            var workerOptions = TestModel.Options(workerOutput);
            workerOptions.Queue.Redis = redis.Connection;
            workerOptions.Queue.SharedFolder = sharedFolder;
            var workerEngine = new EaselEngine(workerOptions);
            var frontOptions = TestModel.Options(frontOutput);
            frontOptions.Queue.Redis = redis.Connection;
            frontOptions.Queue.SharedFolder = sharedFolder;
            var front = new EaselEngine(frontOptions);
            Assert.True(RedisJobDispatcher.Attach(front));
            var deployment = new Deployment(workerEngine, new QueueWorker(workerEngine, [TestModel.Name], "in-process", NullLogger.Instance), front);
            await using var client = await ConnectionMultiplexer.ConnectAsync(redis.Connection);
            await Eventually.Until(async () => await client.GetDatabase().SortedSetScoreAsync(QueueKeys.Workers(TestModel.Name), "in-process") is not null, "worker heartbeat");
            return deployment;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _running.Within("worker shutdown");
            Front.Dispose(); // and its dispatcher
            _worker.Dispose();
            _workerEngine.Dispose();
            _stop.Dispose();
        }
    }
}
