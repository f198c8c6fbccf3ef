using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using StackExchange.Redis;

namespace Easel.McpServer.Tests.Queue;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScaleOutGroup
{
    /// <summary>Each test runs a whole deployment (Redis, a front, workers): one at a time, or they starve each other.</summary>
    public const string Name = "scale-out over Redis";
}

/// <summary>
/// Scale-out with real processes: <c>easel serve --http</c> as the front, <c>easel worker</c> processes on the bundled
/// model, and a redis-server of each test's own. Every wait polls a state with a limit; none sleeps for timing.
/// </summary>
[Collection(ScaleOutGroup.Name)]
[Trait("Category", "Process")]
public sealed class ScaleOutTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(4);

    private static HttpClient Http() => new() { Timeout = Long };

    private static Task<HttpResponseMessage> GenerateAsync(HttpClient http, QueueCluster cluster, int steps, long seed, int n = 1) =>
        http.PostAsJsonAsync(new Uri(cluster.FrontUrl, "/v1/images/generations"),
            new { prompt = "a red circle on a blue square", n, size = "64x64", steps, seed, response_format = "b64_json" });

    /// <summary>Records the highest denoising step each job reported, from the same channel the front relays.</summary>
    private static async Task<ConcurrentDictionary<string, int>> WatchStepsAsync(QueueCluster cluster)
    {
        var steps = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var queue = await cluster.Client.GetSubscriber().SubscribeAsync(RedisChannel.Pattern("easel:events:*"));
        queue.OnMessage(m =>
        {
            if (m.Message == Easel.Queue.QueueKeys.DoneMessage) return;
            using var doc = JsonDocument.Parse(m.Message.ToString());
            if (doc.RootElement.GetProperty("stage").GetString() != "denoising") return;
            var completed = (doc.RootElement.GetProperty("image").GetInt32() * doc.RootElement.GetProperty("steps").GetInt32()) + doc.RootElement.GetProperty("step").GetInt32();
            steps.AddOrUpdate(m.Channel.ToString()["easel:events:".Length..], completed, (_, old) => Math.Max(old, completed));
        });
        return steps;
    }

    [Fact]
    public async Task Twenty_jobs_from_concurrent_clients_each_complete_exactly_once_across_two_workers()
    {
        await using var cluster = await QueueCluster.StartAsync("w1", "w2");
        using var http = Http();
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => GenerateAsync(http, cluster, steps: 3, seed: 100 + i)))
            .Within("20 generations through the front", Long);

        foreach (var response in responses)
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{cluster.Describe()}");
        Assert.Equal(20, cluster.FrontOutput.Pngs.Length);
        Assert.Empty(cluster.FrontLeftovers());

        var ids = await cluster.JobIdsAsync();
        Assert.Equal(20, ids.Count);
        var outcomes = new List<JsonElement>();
        foreach (var id in ids) outcomes.Add(await cluster.OutcomeAsync(id) ?? throw new Xunit.Sdk.XunitException($"no outcome for {id}"));
        Assert.All(outcomes, o => Assert.Equal("succeeded", o.GetProperty("state").GetString()));
        Assert.All(outcomes, o => Assert.Equal(1, o.GetProperty("attempt").GetInt32())); // none ran twice
        Assert.Equal(["w1", "w2"], outcomes.Select(o => o.GetProperty("worker").GetString()).Distinct().Order());
        // Each seed came back once: no job lost, none duplicated.
        var seeds = cluster.FrontOutput.Pngs.Select(p => long.Parse(Path.GetFileNameWithoutExtension(p).Split('-')[3], System.Globalization.CultureInfo.InvariantCulture)).Order();
        Assert.Equal(Enumerable.Range(100, 20).Select(i => (long)i), seeds);
        Assert.Equal(0, await cluster.Db.StreamLengthAsync(Easel.Queue.QueueKeys.Stream(TestModel.Name)));
    }

    [Fact]
    public async Task Easel_dataset_with_a_queue_has_the_workers_make_every_item_once_and_lists_them_in_plan_order()
    {
        await using var cluster = await QueueCluster.StartAsync("w1", "w2");
        using var set = new TempDir();
        using var store = new TempDir();
        using var prompts = new TempDir();
        var promptFile = Path.Combine(prompts.Path, "prompts.txt");
        await File.WriteAllLinesAsync(promptFile, ["a red circle", "a blue square", "a green triangle"]);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = await Easel.McpServer.Cli.CliApp.RunAsync(
            ["dataset", "--queue", cluster.Redis.Connection, "--out", set.Path, "--prompts", promptFile, "--images-per-prompt", "2",
             "--steps", "2", "--seed", "70", "--models", TestModel.ModelsPath, "--model", TestModel.Name, "--provider", "cpu", "--json"],
            stdout, stderr, CancellationToken.None).Within("easel dataset through the queue", Long);
        Assert.True(code == 0, $"exit {code}: {stderr}\n{cluster.Describe()}");
        Assert.Contains($"items go to the queue at {cluster.Redis.Connection}", stderr.ToString(), StringComparison.Ordinal);

        var lines = File.ReadAllLines(Path.Combine(set.Path, "metadata.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"{i:D6}.png"), lines.Select(l => l.GetProperty("file_name").GetString()));
        Assert.Equal(Enumerable.Range(70, 6).Select(i => (long)i), lines.Select(l => l.GetProperty("seed").GetInt64()));
        Assert.All(lines, l => Assert.True(File.Exists(Path.Combine(set.Path, l.GetProperty("file_name").GetString()!))));

        // Every item was a queue job, each made once by one of the workers.
        var ids = await cluster.JobIdsAsync();
        Assert.Equal(6, ids.Count);
        foreach (var id in ids)
        {
            var outcome = await cluster.OutcomeAsync(id) ?? throw new Xunit.Sdk.XunitException($"no outcome for {id}");
            Assert.Equal("succeeded", outcome.GetProperty("state").GetString());
            Assert.Equal(1, outcome.GetProperty("attempt").GetInt32());
            Assert.Contains(outcome.GetProperty("worker").GetString(), new[] { "w1", "w2" });
        }
    }

    [Fact]
    public async Task A_worker_killed_mid_job_has_its_job_finished_by_the_other_once_with_no_partial_file()
    {
        await using var cluster = await QueueCluster.StartAsync(QueueCluster.KilledWorkerClaimIdleSeconds, "w1", "w2");
        var steps = await WatchStepsAsync(cluster);
        using var http = Http();
        // Long enough that the victim cannot finish between the test seeing step 3 and the kill on a loaded machine.
        var run = GenerateAsync(http, cluster, steps: 400, seed: 7);

        string id = "", victim = "";
        await Eventually.Until(async () =>
        {
            var ids = await cluster.JobIdsAsync();
            if (ids.Count != 1 || steps.GetValueOrDefault(ids[0]) < 3) return false;
            id = ids[0];
            victim = (await cluster.Db.HashGetAsync(Easel.Queue.QueueKeys.Job(id), "worker")).ToString();
            return victim.Length > 0;
        }, "the job running on a worker", cluster.Describe);
        cluster.Kill(victim);

        using var response = await run.Within("the job after its worker was killed", Long);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{cluster.Describe()}");
        var outcome = await cluster.OutcomeAsync(id) ?? throw new Xunit.Sdk.XunitException("no outcome");
        var survivor = victim == "w1" ? "w2" : "w1";
        Assert.Equal(survivor, outcome.GetProperty("worker").GetString());
        Assert.Equal(2, outcome.GetProperty("attempt").GetInt32());
        Assert.Single(cluster.FrontOutput.Pngs);
        Assert.Empty(cluster.FrontLeftovers());
        Assert.Contains(cluster.Log(survivor), l => l.Contains($"job {id}: reclaimed from silent worker {victim}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancel_through_the_front_stops_the_job_on_its_remote_worker_within_a_step()
    {
        await using var cluster = await QueueCluster.StartAsync("w1");
        var steps = await WatchStepsAsync(cluster);
        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = cluster.McpEndpoint }))
            .Within("MCP initialize through the front");
        var started = (await client.CallToolAsync("start_generation", new Dictionary<string, object?> { ["prompt"] = "a long one", ["steps"] = 400, ["seed"] = 5 })
            .AsTask().Within("start_generation")).Ok();
        var mcpJob = started.Structured().GetProperty("job_id").GetString()!;

        string id = "";
        await Eventually.Until(async () =>
        {
            var ids = await cluster.JobIdsAsync();
            id = ids.Count > 0 ? ids[0] : "";
            return id.Length > 0 && steps.GetValueOrDefault(id) >= 3;
        }, "the job running on w1", cluster.Describe);
        (await client.CallToolAsync("cancel_job", new Dictionary<string, object?> { ["job_id"] = mcpJob }).AsTask().Within("cancel_job")).Ok();

        JsonElement outcome = default;
        await Eventually.Until(async () => (await cluster.OutcomeAsync(id)) is { } o && (outcome = o).ValueKind == JsonValueKind.Object, "the worker's outcome", cluster.Describe);
        Assert.Equal("cancelled", outcome.GetProperty("state").GetString());
        Assert.Equal("w1", outcome.GetProperty("worker").GetString());
        // Judged in the worker's own ordered log, not against the test's Redis subscriber, which can lag steps behind:
        // after "cancel received" the step then running may finish (and report), no others.
        await Eventually.Until(() => Task.FromResult(cluster.Log("w1").Any(l => l.Contains($"job {id}: cancelled", StringComparison.Ordinal))),
            "the worker's log of the cancelled job", cluster.Describe);
        var log = cluster.Log("w1").Where(l => l.Contains($"job {id}: ", StringComparison.Ordinal)).ToList();
        int received = log.FindIndex(l => l.Contains($"job {id}: cancel received", StringComparison.Ordinal));
        Assert.True(received >= 0, string.Join("\n", log));
        int after = log.Skip(received).Count(l => l.Contains($"job {id}: step ", StringComparison.Ordinal));
        Assert.True(after <= 1, $"{after} steps ran after the cancel was received:\n{string.Join("\n", log.Skip(received))}");
        Assert.True(steps[id] < 400);

        await Eventually.Until(async () =>
        {
            var job = (await client.CallToolAsync("get_job", new Dictionary<string, object?> { ["job_id"] = mcpJob })).Ok();
            return job.Structured().GetProperty("state").GetString() == "cancelled";
        }, "get_job reports cancelled", cluster.Describe);
        Assert.Empty(cluster.FrontOutput.Pngs);

        // The worker is free again: the next job runs.
        var next = (await client.CallToolAsync("generate_image", new Dictionary<string, object?> { ["prompt"] = "after", ["steps"] = 2 }).AsTask().Within("generate after cancel")).Ok();
        Assert.Single(next.Structured().GetProperty("images").EnumerateArray());
    }

    [Fact]
    public async Task Every_step_reaches_an_mcp_client_through_the_front_as_progress()
    {
        await using var cluster = await QueueCluster.StartAsync("w1");
        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = cluster.McpEndpoint }))
            .Within("MCP initialize through the front");
        var token = "progress-" + Guid.NewGuid().ToString("N");
        var seen = new ConcurrentBag<ProgressNotificationValue>();
        var allSteps = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = client.RegisterNotificationHandler(NotificationMethods.ProgressNotification, (n, _) =>
        {
            var p = n.Params.Deserialize<ProgressNotificationParams>(McpJsonUtilities.DefaultOptions)!;
            if (p.ProgressToken.ToString() != token) return ValueTask.CompletedTask;
            seen.Add(p.Progress);
            if (seen.Where(v => v.Total == 12).Select(v => v.Progress).Distinct().Count() == 12) allSteps.TrySetResult();
            return ValueTask.CompletedTask;
        });
        var request = new CallToolRequestParams
        {
            Name = "generate_image",
            Arguments = new Dictionary<string, JsonElement>
            {
                ["prompt"] = JsonSerializer.SerializeToElement("a boat"),
                ["steps"] = JsonSerializer.SerializeToElement(6),
                ["count"] = JsonSerializer.SerializeToElement(2),
                ["scheduler"] = JsonSerializer.SerializeToElement("euler"),
            },
            Meta = new System.Text.Json.Nodes.JsonObject { ["progressToken"] = token },
        };
        (await client.CallToolAsync(request).AsTask().Within("generate_image through the queue")).Ok();
        await allSteps.Task.Within($"progress of all 12 steps (saw {seen.Count})");
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (float)i), seen.Where(v => v.Total == 12).Select(v => v.Progress).Order());
        Assert.Contains(seen, v => v.Message == "image 2/2, step 6/6");

        // An edit of an earlier result: the front reads easel://images/{id} from its own store, the worker gets bytes.
        var source = cluster.FrontOutput.Pngs.Order(StringComparer.Ordinal).First();
        var edited = (await client.CallToolAsync("restyle_image", new Dictionary<string, object?>
        {
            ["image"] = "easel://images/" + Path.GetFileNameWithoutExtension(source),
            ["prompt"] = "the same, greener",
            ["steps"] = 4,
        }).AsTask().Within("restyle_image through the queue")).Ok();
        Assert.Equal("img2img", edited.Structured().GetProperty("operation").GetString());
        Assert.Equal(3, cluster.FrontOutput.Pngs.Length);
    }

    [Fact]
    public async Task A_full_stream_is_busy_and_a_job_past_its_attempts_fails_with_the_reason()
    {
        await using var cluster = await QueueCluster.StartAsync("w1");
        using var http = Http();

        // Backpressure: a model whose stream holds Limit jobs (a stand-in worker announces it but takes nothing).
        const string model = "sd15-optimum";
        await cluster.Db.SortedSetAddAsync(Easel.Queue.QueueKeys.Workers(model), "stand-in", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        for (int i = 0; i < new Easel.Engine.Jobs.QueueOptions().Limit; i++)
            await cluster.Db.StreamAddAsync(Easel.Queue.QueueKeys.Stream(model), [new("id", $"job-filler{i}"), new("job", "{}")]);
        using (var busy = await http.PostAsJsonAsync(new Uri(cluster.FrontUrl, "/v1/images/generations"), new { prompt = "x", model, steps = 2 }).Within("a request for a full stream"))
        {
            var body = await busy.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.TooManyRequests, busy.StatusCode);
            Assert.Contains("Easel is busy", body, StringComparison.Ordinal);
            Assert.Contains("queue limit Easel:Queue:Limit is 32", body, StringComparison.Ordinal);
        }

        // A job already delivered MaxAttempts times (its workers died) fails on the next delivery instead of running.
        var id = Easel.Queue.RedisJobDispatcher.NewId();
        await cluster.Db.HashSetAsync(Easel.Queue.QueueKeys.Job(id), [new("attempts", 3), new("worker", "w0")]);
        var job = Easel.Queue.QueueJson.Serialize(new Easel.Engine.Jobs.QueuedJob(TestModel.Name, new Easel.Engine.Pipelines.GenerateRequest { Prompt = "doomed", Steps = 2 }));
        await cluster.Db.StreamAddAsync(Easel.Queue.QueueKeys.Stream(TestModel.Name), [new("id", id), new("job", job)]);
        JsonElement outcome = default;
        await Eventually.Until(async () => (await cluster.OutcomeAsync(id)) is { } o && (outcome = o).ValueKind == JsonValueKind.Object, "the outcome of the doomed job", cluster.Describe);
        Assert.Equal("failed", outcome.GetProperty("state").GetString());
        Assert.Contains("gave up after 3 attempt(s)", outcome.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("(last: w0)", outcome.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(cluster.FrontOutput.Pngs);
    }

    [Fact]
    public async Task Redis_stopped_and_restarted_mid_run_gives_a_clear_error_meanwhile_and_everything_resumes()
    {
        await using var cluster = await QueueCluster.StartAsync("w1");
        var steps = await WatchStepsAsync(cluster);
        using var http = Http();
        var run = GenerateAsync(http, cluster, steps: 120, seed: 11);
        await Eventually.Until(async () => (await cluster.JobIdsAsync()) is [var only] && steps.GetValueOrDefault(only) >= 3, "the job running on w1", cluster.Describe);

        cluster.Redis.Stop();
        using (var refused = await GenerateAsync(http, cluster, steps: 2, seed: 12).Within("a request while Redis is down"))
        {
            var body = await refused.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Contains("queue (Redis at", body, StringComparison.Ordinal);
            Assert.Contains("cannot be reached", body, StringComparison.Ordinal);
        }
        cluster.Redis.Start();

        // The job that was running finishes and its caller gets it; the worker reconnects and takes new jobs.
        using (var finished = await run.Within("the job that ran through the outage", Long))
            Assert.True(finished.StatusCode == HttpStatusCode.OK, $"{finished.StatusCode}: {await finished.Content.ReadAsStringAsync()}\n{cluster.Describe()}");
        await cluster.WorkerReadyAsync("w1");
        using (var after = await GenerateAsync(http, cluster, steps: 2, seed: 13).Within("a request after the restart"))
            Assert.True(after.StatusCode == HttpStatusCode.OK, $"{after.StatusCode}: {await after.Content.ReadAsStringAsync()}\n{cluster.Describe()}");
        Assert.Equal(2, cluster.FrontOutput.Pngs.Length);
        Assert.Empty(cluster.FrontLeftovers());
    }
}
