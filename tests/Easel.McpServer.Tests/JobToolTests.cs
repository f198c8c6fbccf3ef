using System.Collections.Concurrent;
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
        CallToolResult started;
        using (var gate = Server.Hold(at: 1))
        {
            // start_generation answers while the run is held before its first step: it does not wait for the run.
            started = (await Server.CallAsync("start_generation", new { prompt = "a kite", steps = 3, seed = 9, count = 2 })).Ok();
            Assert.Contains(State(started), new[] { "queued", "running" });
        }
        var id = started.Structured().GetProperty("job_id").GetString()!;
        Assert.StartsWith("job-", id);
        Assert.Contains(id, started.Text());

        var done = await Server.FinishedJobAsync(id);
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
        using (var gate = Server.Hold())
        {
            var started = (await Server.CallAsync("start_generation", HeldRun.Arguments("a long job"))).Ok();
            var id = started.Structured().GetProperty("job_id").GetString()!;
            await gate.WaitUntilHeldAsync(Limits.Call); // it is denoising, so the cancellation lands mid-run

            var job = (await Server.CallAsync("get_job", new { job_id = id })).Ok().Structured();
            Assert.Equal("running", job.GetProperty("state").GetString());
            Assert.Equal(HeldRun.HeldAt - 1, job.GetProperty("completed").GetInt32());
            Assert.Equal(HeldRun.Total, job.GetProperty("total").GetInt32());

            var cancelled = (await Server.CallAsync("cancel_job", new { job_id = id })).Ok();
            Assert.Equal("cancelled", State(cancelled));
            var after = (await Server.FinishedJobAsync(id)).Structured();
            Assert.Equal("cancelled", after.GetProperty("state").GetString());
            Assert.Equal(HeldRun.HeldAt - 1, after.GetProperty("completed").GetInt32()); // stopped at the held step
            Assert.False(after.TryGetProperty("result", out _));
            Assert.Equal(HeldRun.HeldAt, gate.Calls);

            // Cancelling again is harmless (idempotent).
            Assert.Equal("cancelled", State((await Server.CallAsync("cancel_job", new { job_id = id })).Ok()));
        }
        // And the worker serves the next request.
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
        string id;
        using (var gate = server.Hold(at: 1))
        {
            id = (await server.CallAsync("start_generation", HeldRun.Arguments("occupy the worker"))).Ok().Structured().GetProperty("job_id").GetString()!;
            await gate.WaitUntilHeldAsync(Limits.Call);
            // The worker stays held, so a call that waited for it instead of answering "busy" would time out here.
            var busy = await server.CallAsync("generate_image", new { prompt = "one more", steps = 2 });
            Assert.True(busy.IsError);
            Assert.Contains("busy", busy.Text());
            var busyJob = await server.CallAsync("start_generation", new { prompt = "and another", steps = 2 });
            Assert.True(busyJob.IsError);
            Assert.Contains("busy", busyJob.Text());
            (await server.CallAsync("cancel_job", new { job_id = id })).Ok();
        }
        var state = (await server.FinishedJobAsync(id)).Structured();
        Assert.Equal("cancelled", state.GetProperty("state").GetString());
        (await server.CallAsync("generate_image", new { prompt = "free again", steps = 2 })).Ok();
    }

    [Fact]
    public async Task A_waiting_call_reports_its_queue_position_then_its_steps()
    {
        await using var server = await InProcessServer.StartAsync(o => { o.MaxConcurrentGenerations = 1; o.QueueLength = 2; });
        using var gate = server.Hold(at: 1);
        var id = (await server.CallAsync("start_generation", HeldRun.Arguments("occupy the worker"))).Ok().Structured().GetProperty("job_id").GetString()!;
        await gate.WaitUntilHeldAsync(Limits.Call);

        var token = "queued-" + Guid.NewGuid().ToString("N");
        var seen = new ConcurrentQueue<ProgressNotificationParams>();
        var queued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var allSteps = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = server.Client.RegisterNotificationHandler(NotificationMethods.ProgressNotification, (n, _) =>
        {
            var p = n.Params.Deserialize<ProgressNotificationParams>(ModelContextProtocol.McpJsonUtilities.DefaultOptions)!;
            if (p.ProgressToken.ToString() != token) return ValueTask.CompletedTask;
            seen.Enqueue(p);
            if (p.Progress.Message?.StartsWith("queued", StringComparison.Ordinal) == true) queued.TrySetResult();
            if (seen.Count >= 4) allSteps.TrySetResult();
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

        await queued.Task.Within("the queued notification"); // it waits behind the held job...
        Assert.False(call.IsCompleted);
        var first = seen.First(p => p.Progress.Message?.StartsWith("queued", StringComparison.Ordinal) == true);
        Assert.Equal("queued, position 1", first.Progress.Message);
        Assert.Equal(0f, first.Progress.Progress);

        (await server.CallAsync("cancel_job", new { job_id = id })).Ok(); // ...and runs once the worker is free
        (await call.Within("the queued call")).Ok();
        await allSteps.Task.Within($"its progress handlers (saw {seen.Count})");
        Assert.Equal([0f, 1f, 2f, 3f], seen.Select(p => p.Progress.Progress).Order());
    }
}
