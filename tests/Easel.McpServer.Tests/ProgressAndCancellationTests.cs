using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Easel.McpServer.Tests;

[Collection(SharedServer.Name)]
public sealed class ProgressAndCancellationTests(ServerFixture fixture)
{
    private InProcessServer Server => fixture.Server;

    [Fact]
    public async Task Progress_arrives_once_per_denoising_step()
    {
        // The SDK client dispatches each incoming message on its own task, so progress handlers can run after the
        // response (and out of order); a handler kept for the whole test with our own token sees all of them.
        var token = "progress-" + Guid.NewGuid().ToString("N");
        var seen = new ConcurrentBag<ProgressNotificationParams>();
        var allSteps = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = Server.Client.RegisterNotificationHandler(NotificationMethods.ProgressNotification, (n, _) =>
        {
            var p = n.Params.Deserialize<ProgressNotificationParams>(McpJsonUtilities.DefaultOptions)!;
            if (p.ProgressToken.ToString() != token) return ValueTask.CompletedTask;
            seen.Add(p);
            if (seen.Select(s => s.Progress.Progress).Distinct().Count() == 10) allSteps.TrySetResult();
            return ValueTask.CompletedTask;
        });
        var request = new CallToolRequestParams
        {
            Name = "generate_image",
            Arguments = InProcessServer.Args(new { prompt = "a boat", steps = 5, count = 2, scheduler = "euler", seed = 1 })
                .ToDictionary(kv => kv.Key, kv => JsonSerializer.SerializeToElement(kv.Value)),
            Meta = new JsonObject { ["progressToken"] = token },
        };
        (await Server.Client.CallToolAsync(request).AsTask().Within("generate_image")).Ok();
        // The server wrote every notification before the response (see the on-the-wire test below), so all ten
        // were received already; wait for their handlers, not for time. A repeated step shows as a count over 10.
        await allSteps.Task.Within($"progress handlers (saw {seen.Count})");

        var values = seen.Select(p => p.Progress).ToList();
        Assert.Equal(10, values.Count); // 5 steps × 2 images, no extra stages
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (float)i), values.Select(v => v.Progress).Order());
        Assert.All(values, v => Assert.Equal(10f, v.Total));
        Assert.Contains(values, v => v.Message == "image 2/2, step 5/5");
    }

    [Fact]
    public async Task On_the_wire_progress_is_in_order_and_precedes_the_result()
    {
        using var output = new TempDir();
        Pipe clientToServer = new(), serverToClient = new();
        using var host = await InProcessServer.StartHostAsync(output, clientToServer.Reader.AsStream(), serverToClient.Writer.AsStream());
        var writer = clientToServer.Writer.AsStream();
        using var reader = new StreamReader(serverToClient.Reader.AsStream(), Encoding.UTF8);

        async Task SendAsync(object message)
        {
            await writer.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(message).Concat("\n"u8.ToArray()).ToArray()).AsTask().Within("write to the server");
            await writer.FlushAsync().Within("flush to the server");
        }
        async Task<List<JsonNode>> ReadUntilResponseAsync(int id)
        {
            var messages = new List<JsonNode>();
            using var timeout = new CancellationTokenSource(Limits.Call);
            while (true)
            {
                var line = await reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException();
                var node = JsonNode.Parse(line)!;
                messages.Add(node);
                if (node["id"]?.GetValue<int>() == id) return messages;
            }
        }

        await SendAsync(new { jsonrpc = "2.0", id = 1, method = "initialize", @params = new { protocolVersion = "2025-06-18", capabilities = new { }, clientInfo = new { name = "raw", version = "1" } } });
        await ReadUntilResponseAsync(1);
        await SendAsync(new { jsonrpc = "2.0", method = "notifications/initialized" });
        await SendAsync(new
        {
            jsonrpc = "2.0",
            id = 2,
            method = "tools/call",
            @params = new { name = "generate_image", arguments = new { prompt = "a boat", steps = 4, scheduler = "euler" }, _meta = new { progressToken = 77 } },
        });
        var messages = await ReadUntilResponseAsync(2);
        var progress = messages.Where(m => (string?)m["method"] == "notifications/progress").ToList();
        Assert.Equal([1, 2, 3, 4], progress.Select(p => p["params"]!["progress"]!.GetValue<int>()));
        Assert.All(progress, p => Assert.Equal(77, p["params"]!["progressToken"]!.GetValue<int>()));
        Assert.Equal(progress.Count + 1, messages.Count); // nothing else, and the result comes last
        Assert.Null(messages[^1]["result"]!["isError"]);
        await host.StopAsync().Within("server host stop");
    }

    [Fact]
    public async Task Cancelling_a_call_stops_the_run_frees_the_worker_and_saves_nothing()
    {
        int before = Server.Output.Pngs.Length;
        using var cancel = new CancellationTokenSource();
        var request = new CallToolRequestParams
        {
            Name = "generate_image",
            Arguments = HeldRun.Arguments("a held one").ToDictionary(kv => kv.Key, kv => JsonSerializer.SerializeToElement(kv.Value)),
        };
        int calls;
        using (var gate = Server.Hold())
        {
            var call = Server.Client.CallToolAsync(request, cancel.Token).AsTask();
            await gate.WaitUntilHeldAsync(Limits.Call); // the run is under way, held before step 3
            cancel.Cancel(); // the client sends notifications/cancelled; the gate lets go once the server's run token fires
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.Within("the cancelled call"));

            // The worker is free again: the next call (which queues behind the cancelled run on the one worker)
            // runs to completion, so the cancelled run has ended by the time it answers.
            (await Server.CallAsync("generate_image", new { prompt = "the next one", steps = 2, scheduler = "euler" })).Ok();
            calls = gate.Calls;
        }
        Assert.Equal(before + 1, Server.Output.Pngs.Length); // the cancelled run saved nothing
        // Held at UNet call 3 of 20, then 2 calls for the next run: nothing of the cancelled run ran past the hold.
        Assert.Equal(HeldRun.HeldAt + 2, calls);
    }
}
