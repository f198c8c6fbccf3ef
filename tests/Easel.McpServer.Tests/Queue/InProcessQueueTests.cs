using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Easel.Engine;
using Easel.Engine.Pipelines;
using Easel.Queue;
using Easel.Testing;
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

    [Fact]
    public async Task A_data_set_through_the_queue_is_split_across_the_live_workers_and_listed_in_plan_order()
    {
        using var redis = new RedisProcess();
        using var frontOutput = new TempDir();
        using var set = new TempDir();
        using var w1Output = new TempDir();
        using var w2Output = new TempDir();
        var frontOptions = TestModel.Options(frontOutput.Path);
        frontOptions.Queue.Redis = redis.Connection;
        using var front = new EaselEngine(frontOptions);
        Assert.True(RedisJobDispatcher.Attach(front));
        await using var w1 = await InProcessWorker.StartAsync(redis, w1Output.Path, "w1");
        await using var w2 = await InProcessWorker.StartAsync(redis, w2Output.Path, "w2");
        // Each worker is held at its first UNet call: both held at once means two items were out on two workers.
        using var gate1 = new StepGate(w1.Engine, holdAtCall: 1);
        using var gate2 = new StepGate(w2.Engine, holdAtCall: 1);

        var request = new Easel.Engine.Datasets.DatasetRequest
        {
            OutputDirectory = set.Path,
            Base = new GenerateRequest { Prompt = "", Steps = 2, Seed = 40 },
            Prompts = ["a red circle", "a blue square"],
            ImagesPerPrompt = 2,
        };
        var making = front.DatasetAsync(request);
        await gate1.WaitUntilHeldAsync(Limits.Call);
        await gate2.WaitUntilHeldAsync(Limits.Call);
        gate1.Release();
        gate2.Release();
        var result = await making.Within("the data set through two workers");

        Assert.Equal((4, 4), (result.Total, result.Made));
        var lines = File.ReadAllLines(Path.Combine(set.Path, "metadata.jsonl")).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["000000.png", "000001.png", "000002.png", "000003.png"], lines.Select(l => l.GetProperty("file_name").GetString()));
        Assert.Equal([40L, 41L, 42L, 43L], lines.Select(l => l.GetProperty("seed").GetInt64()));
        Assert.All(lines, l => Assert.True(File.Exists(Path.Combine(set.Path, l.GetProperty("file_name").GetString()!))));
        Assert.True(gate1.Calls >= 2 && gate2.Calls >= 2, $"w1 ran {gate1.Calls} UNet call(s), w2 {gate2.Calls}: both should have denoised");
        Assert.Equal(8, gate1.Calls + gate2.Calls); // 4 items × 2 steps, none run twice
        Assert.Empty(frontOutput.Pngs); // each image moved into the set
    }

    /// <summary>One <see cref="QueueWorker"/> on its own engine in this process, registered (heartbeat seen) before use.</summary>
    private sealed class InProcessWorker : IAsyncDisposable
    {
        private readonly QueueWorker _worker;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _running;

        private InProcessWorker(EaselEngine engine, QueueWorker worker)
        {
            Engine = engine;
            _worker = worker;
            _running = worker.RunAsync(_stop.Token);
        }

        public EaselEngine Engine { get; }

        public static async Task<InProcessWorker> StartAsync(RedisProcess redis, string output, string name, string? sharedFolder = null)
        {
            var options = TestModel.Options(output);
            options.Queue.Redis = redis.Connection;
            options.Queue.SharedFolder = sharedFolder;
            var engine = new EaselEngine(options);
            var worker = new InProcessWorker(engine, new QueueWorker(engine, [TestModel.Name], name, NullLogger.Instance));
            await using var client = await ConnectionMultiplexer.ConnectAsync(redis.Connection);
            await Eventually.Until(async () => await client.GetDatabase().SortedSetScoreAsync(QueueKeys.Workers(TestModel.Name), name) is not null, $"{name}'s heartbeat");
            return worker;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _running.Within("worker shutdown");
            _worker.Dispose();
            Engine.Dispose();
            _stop.Dispose();
        }
    }

    /// <summary>A worker and a front engine with the dispatcher attached, both in this process, over one Redis.</summary>
    private sealed class Deployment : IAsyncDisposable
    {
        private readonly InProcessWorker _worker;

        private Deployment(InProcessWorker worker, EaselEngine front)
        {
            _worker = worker;
            Front = front;
        }

        public EaselEngine Front { get; }

        public static async Task<Deployment> StartAsync(RedisProcess redis, string workerOutput, string frontOutput, string? sharedFolder)
        {
            var worker = await InProcessWorker.StartAsync(redis, workerOutput, "in-process", sharedFolder);
            var frontOptions = TestModel.Options(frontOutput);
            frontOptions.Queue.Redis = redis.Connection;
            frontOptions.Queue.SharedFolder = sharedFolder;
            var front = new EaselEngine(frontOptions);
            Assert.True(RedisJobDispatcher.Attach(front));
            return new Deployment(worker, front);
        }

        public async ValueTask DisposeAsync()
        {
            await _worker.DisposeAsync();
            Front.Dispose(); // and its dispatcher
        }
    }
}
