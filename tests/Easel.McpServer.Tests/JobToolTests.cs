using System.Diagnostics;
using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace Easel.McpServer.Tests;

[Collection(SharedServer.Name)]
public sealed class JobToolTests(ServerFixture fixture)
{
    private InProcessServer Server => fixture.Server;

    private static string State(CallToolResult r) => r.Structured().GetProperty("state").GetString()!;

    [Fact]
    public async Task A_job_runs_to_completion_through_start_generation_and_get_job()
    {
        var clock = Stopwatch.StartNew();
        var started = (await Server.CallAsync("start_generation", new { prompt = "a kite", steps = 3, seed = 9, count = 2 })).Ok();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
        var id = started.Structured().GetProperty("job_id").GetString()!;
        Assert.StartsWith("job-", id);
        Assert.Contains(State(started), new[] { "queued", "running", "succeeded" });
        Assert.Contains(id, started.Text());

        var done = (await Server.CallAsync("get_job", new { job_id = id, wait_seconds = 30 })).Ok();
        var s = done.Structured();
        Assert.Equal("succeeded", s.GetProperty("state").GetString());
        Assert.Equal(s.GetProperty("total").GetInt32(), s.GetProperty("completed").GetInt32());
        Assert.True(s.GetProperty("total").GetInt32() >= 6);
        var images = s.GetProperty("result").GetProperty("images").EnumerateArray().ToList();
        Assert.Equal([9L, 10L], images.Select(i => i.GetProperty("seed").GetInt64()));
        Assert.All(images, i => Assert.True(File.Exists(i.GetProperty("path").GetString())));
        Assert.Equal(2, done.Content.OfType<ImageContentBlock>().Count());
        Assert.Equal(2, done.Content.OfType<ResourceLinkBlock>().Count());
        Assert.True(done.WireSize() < 1_000_000);
    }

    [Fact]
    public async Task Cancel_job_stops_a_running_job()
    {
        var started = (await Server.CallAsync("start_generation", LongRun.Arguments("a long job"))).Ok();
        var id = started.Structured().GetProperty("job_id").GetString()!;

        // Wait until it is denoising, so the cancellation lands mid-run.
        JsonElement job;
        var clock = Stopwatch.StartNew();
        do
        {
            job = (await Server.CallAsync("get_job", new { job_id = id })).Ok().Structured();
            await Task.Delay(10);
        } while (job.GetProperty("completed").GetInt32() < 2 && clock.Elapsed < TimeSpan.FromSeconds(30));
        Assert.Equal("running", job.GetProperty("state").GetString());
        Assert.Equal(LongRun.Steps * 16, job.GetProperty("total").GetInt32());

        var cancelled = (await Server.CallAsync("cancel_job", new { job_id = id })).Ok();
        var after = (await Server.CallAsync("get_job", new { job_id = id, wait_seconds = 10 })).Ok().Structured();
        Assert.Equal("cancelled", after.GetProperty("state").GetString());
        Assert.Equal("cancelled", State(cancelled));
        Assert.True(after.GetProperty("completed").GetInt32() < LongRun.Steps * 16);
        Assert.False(after.TryGetProperty("result", out _));

        // Cancelling again is harmless (idempotent) and the worker serves the next request.
        Assert.Equal("cancelled", State((await Server.CallAsync("cancel_job", new { job_id = id })).Ok()));
        (await Server.CallAsync("generate_image", new { prompt = "after the job", steps = 2 })).Ok();
    }

    [Fact]
    public async Task Unknown_job_ids_are_clear_errors()
    {
        var result = await Server.CallAsync("get_job", new { job_id = "job-nope" });
        Assert.True(result.IsError);
        Assert.Contains("no job 'job-nope'", result.Text());
        Assert.True((await Server.CallAsync("cancel_job", new { job_id = "job-nope" })).IsError);
    }

    [Fact]
    public async Task Start_generation_refuses_bad_input_at_once()
    {
        var result = await Server.CallAsync("start_generation", new { operation = "restyle", prompt = "x" });
        Assert.True(result.IsError);
        Assert.Contains("image", result.Text());
        var steps = await Server.CallAsync("start_generation", new { prompt = "x", width = 100 });
        Assert.True(steps.IsError);
        Assert.Contains("multiple of 8", steps.Text());
    }
}

public sealed class BusyServerTests
{
    [Fact]
    public async Task A_full_queue_answers_busy_at_once_instead_of_hanging()
    {
        await using var server = await InProcessServer.StartAsync(o => { o.MaxConcurrentGenerations = 1; o.QueueLength = 0; });
        var job = (await server.CallAsync("start_generation", LongRun.Arguments("occupy the worker"))).Ok();
        var id = job.Structured().GetProperty("job_id").GetString()!;
        try
        {
            var clock = Stopwatch.StartNew();
            var busy = await server.CallAsync("generate_image", new { prompt = "one more", steps = 2 });
            Assert.True(busy.IsError);
            Assert.Contains("busy", busy.Text());
            var busyJob = await server.CallAsync("start_generation", new { prompt = "and another", steps = 2 });
            Assert.True(busyJob.IsError);
            Assert.Contains("busy", busyJob.Text());
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
        }
        finally
        {
            (await server.CallAsync("cancel_job", new { job_id = id })).Ok();
        }
        var state = (await server.CallAsync("get_job", new { job_id = id, wait_seconds = 10 })).Ok().Structured();
        Assert.Equal("cancelled", state.GetProperty("state").GetString());
        (await server.CallAsync("generate_image", new { prompt = "free again", steps = 2 })).Ok();
    }

    [Fact]
    public async Task A_waiting_call_reports_its_queue_position_then_its_steps()
    {
        await using var server = await InProcessServer.StartAsync(o => { o.MaxConcurrentGenerations = 1; o.QueueLength = 2; });
        var id = (await server.CallAsync("start_generation", LongRun.Arguments("occupy the worker"))).Ok().Structured().GetProperty("job_id").GetString()!;

        var token = "queued-" + Guid.NewGuid().ToString("N");
        var seen = new System.Collections.Concurrent.ConcurrentQueue<ProgressNotificationParams>();
        var queued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = server.Client.RegisterNotificationHandler(NotificationMethods.ProgressNotification, (n, _) =>
        {
            var p = n.Params.Deserialize<ProgressNotificationParams>(ModelContextProtocol.McpJsonUtilities.DefaultOptions)!;
            if (p.ProgressToken.ToString() != token) return ValueTask.CompletedTask;
            seen.Enqueue(p);
            if (p.Progress.Message?.StartsWith("queued", StringComparison.Ordinal) == true) queued.TrySetResult();
            return ValueTask.CompletedTask;
        });
        var call = server.Client.CallToolAsync(new CallToolRequestParams
        {
            Name = "generate_image",
            Arguments = new Dictionary<string, JsonElement>
            {
                ["prompt"] = JsonSerializer.SerializeToElement("waiting"),
                ["steps"] = JsonSerializer.SerializeToElement(3),
                ["scheduler"] = JsonSerializer.SerializeToElement("euler"),
            },
            Meta = new System.Text.Json.Nodes.JsonObject { ["progressToken"] = token },
        }).AsTask();

        await queued.Task.WaitAsync(TimeSpan.FromSeconds(30)); // it waits behind the job...
        Assert.False(call.IsCompleted);
        var first = seen.First(p => p.Progress.Message?.StartsWith("queued", StringComparison.Ordinal) == true);
        Assert.Equal("queued, position 1", first.Progress.Message);
        Assert.Equal(0f, first.Progress.Progress);

        (await server.CallAsync("cancel_job", new { job_id = id })).Ok(); // ...and runs once the worker is free
        (await call.WaitAsync(TimeSpan.FromSeconds(30))).Ok();
        var deadline = Stopwatch.StartNew();
        while (seen.Count < 4 && deadline.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(10);
        Assert.Equal([0f, 1f, 2f, 3f], seen.Select(p => p.Progress.Progress).Order());
    }
}
