using System.Collections;
using System.Text;
using System.Text.Json.Nodes;
using Easel.Engine;
using Easel.McpServer.Mcp.Hosting;
using Easel.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Easel.McpServer.Tests;

/// <summary>
/// Cancellation over Streamable HTTP, spoken as raw HTTP so the event stream itself is observed: a run held mid-way by
/// a <see cref="StepGate"/> is cancelled by notifications/cancelled, or by the client dropping the connection; either
/// way the run stops, nothing is saved, the worker is free for the next call, and a cancelled call's event stream ends.
/// </summary>
public sealed class HttpCancellationTests : IAsyncDisposable
{
    private readonly TempDir _output = new();
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private WebApplication? _app;
    private Uri _endpoint = null!;
    private string? _session;

    private async Task<EaselEngine> StartAsync()
    {
        var overrides = new Dictionary<string, string?>
        {
            ["Easel:ModelsPath"] = TestModel.ModelsPath,
            ["Easel:DefaultModel"] = TestModel.Name,
            ["Easel:OutputDirectory"] = _output.Path,
            ["Easel:ExecutionProvider"] = "cpu",
            ["Easel:Http:Urls:0"] = "http://127.0.0.1:0",
        };
        _app = HttpServer.Build(ServeSettings.Load(overrides, new Hashtable(), AppContext.BaseDirectory, useHttp: true));
        await _app.StartAsync().Within("HTTP server start");
        _endpoint = new Uri(_app.Urls.First().TrimEnd('/') + HttpServer.Path);
        using (var init = await PostAsync("""{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"cancel-test","version":"1"}}}""", CancellationToken.None))
        {
            _session = init.Headers.GetValues("Mcp-Session-Id").Single();
            await init.Content.ReadAsStringAsync().Within("initialize answer");
        }
        using (var initialized = await PostAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", CancellationToken.None)) { }
        return _app.Services.GetRequiredService<EaselEngine>();
    }

    private async Task<HttpResponseMessage> PostAsync(string body, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new StringContent(body, new UTF8Encoding(false), "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (_session is not null) request.Headers.Add("Mcp-Session-Id", _session);
        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).Within("POST " + body[..Math.Min(60, body.Length)]);
    }

    private static string HeldCall(string id) => new JsonObject
    {
        ["jsonrpc"] = "2.0",
        ["id"] = id,
        ["method"] = "tools/call",
        ["params"] = new JsonObject
        {
            ["name"] = "generate_image",
            ["arguments"] = new JsonObject { ["prompt"] = "held", ["steps"] = HeldRun.Steps, ["count"] = HeldRun.Count, ["scheduler"] = "euler", ["inline"] = "none" },
        },
    }.ToJsonString();

    /// <summary>The next call runs to completion: the worker the cancelled run held is free again.</summary>
    private async Task NextCallSucceedsAsync()
    {
        using var next = await PostAsync("""{"jsonrpc":"2.0","id":"next","method":"tools/call","params":{"name":"generate_image","arguments":{"prompt":"next","steps":2,"inline":"none"}}}""", CancellationToken.None);
        var body = await next.Content.ReadAsStringAsync().Within("the next call's answer");
        Assert.Contains("\"id\":\"next\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"isError\":true", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_calls_event_stream_ends_and_the_run_stops()
    {
        var engine = await StartAsync();
        using var gate = new StepGate(engine, HeldRun.HeldAt);
        using var call = await PostAsync(HeldCall("held-1"), CancellationToken.None);
        var stream = call.Content.ReadAsStringAsync();
        await gate.WaitUntilHeldAsync(Limits.Call);

        using (await PostAsync("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"held-1","reason":"test"}}""", CancellationToken.None)) { }
        // The stream of the cancelled POST must end (it stayed open for minutes): reading it to the end completes.
        var body = await stream.Within("the cancelled call's event stream to end");
        Assert.DoesNotContain("\"structuredContent\"", body, StringComparison.Ordinal);

        await NextCallSucceedsAsync();
        Assert.Equal(HeldRun.HeldAt + 2, gate.Calls); // nothing of the cancelled run ran past the hold
        Assert.Single(_output.Pngs); // only the next call's image
    }

    [Fact]
    public async Task A_client_that_drops_the_connection_mid_run_cancels_it_and_frees_the_worker()
    {
        var engine = await StartAsync();
        using var gate = new StepGate(engine, HeldRun.HeldAt);
        using var drop = new CancellationTokenSource();
        var call = await PostAsync(HeldCall("held-2"), drop.Token);
        var reading = call.Content.ReadAsStringAsync(drop.Token);
        await gate.WaitUntilHeldAsync(Limits.Call);

        await drop.CancelAsync(); // aborts the response: the connection goes away
        call.Dispose();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.Within("the dropped read"));

        await NextCallSucceedsAsync();
        Assert.Equal(HeldRun.HeldAt + 2, gate.Calls);
        Assert.Single(_output.Pngs);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().Within("HTTP server stop");
            await _app.DisposeAsync();
        }
        _http.Dispose();
        _output.Dispose();
    }
}
