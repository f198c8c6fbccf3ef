using System.Collections;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json.Nodes;
using Easel.Engine;
using Easel.McpServer.Mcp.Hosting;
using Easel.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Easel.McpServer.Tests;

/// <summary>
/// The production stdio stack (<see cref="StdioServer.Build"/>: line filter, buffered output, the SDK's stream
/// transport) on pipes instead of the console, spoken as raw JSON-RPC lines, with a <see cref="StepGate"/> so "while
/// the run is still going" is a fact, not a guess about timing.
/// </summary>
public sealed class StdioStackTests : IAsyncDisposable
{
    private readonly TempDir _output = new();
    private readonly Pipe _toServer = new(), _fromServer = new();
    private readonly StdioLineFilter _lines;
    private readonly IHost _host;
    private readonly StreamReader _reader;
    private readonly Stream _writer;
    private readonly List<JsonNode> _seen = [];

    public StdioStackTests()
    {
        var overrides = new Dictionary<string, string?>
        {
            ["Easel:ModelsPath"] = TestModel.ModelsPath,
            ["Easel:DefaultModel"] = TestModel.Name,
            ["Easel:OutputDirectory"] = _output.Path,
            ["Easel:ExecutionProvider"] = "cpu",
        };
        var settings = ServeSettings.Load(overrides, new Hashtable(), AppContext.BaseDirectory);
        _lines = new StdioLineFilter(_toServer.Reader.AsStream(), new BufferedStream(_fromServer.Writer.AsStream()));
        _host = StdioServer.Build(settings, _lines);
        _reader = new StreamReader(_fromServer.Reader.AsStream(), Encoding.UTF8);
        _writer = _toServer.Writer.AsStream();
    }

    private EaselEngine Engine => _host.Services.GetRequiredService<EaselEngine>();

    private async Task SendAsync(string line)
    {
        await _writer.WriteAsync(Encoding.UTF8.GetBytes(line + "\n")).AsTask().Within("write to the server");
        await _writer.FlushAsync().Within("flush to the server");
    }

    /// <summary>Reads messages until one matches; every message read is kept in <see cref="_seen"/>.</summary>
    private async Task<JsonNode> ReadUntilAsync(Func<JsonNode, bool> match, string what)
    {
        using var timeout = new CancellationTokenSource(Limits.Call);
        while (true)
        {
            string? line;
            try
            {
                line = await _reader.ReadLineAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{what}: not seen within {Limits.Call}; saw {string.Join(" | ", _seen.Select(s => s.ToJsonString()))}");
            }
            var node = JsonNode.Parse(line ?? throw new EndOfStreamException(what + ": the server closed its output"))!;
            _seen.Add(node);
            if (match(node)) return node;
        }
    }

    private static bool IsResponse(JsonNode node, string id) => node["id"]?.ToString() == id && node["method"] is null;

    private static bool IsProgress(JsonNode node, int progress) =>
        (string?)node["method"] == "notifications/progress" && node["params"]!["progress"]!.GetValue<double>() == progress;

    private async Task StartAsync()
    {
        await _host.StartAsync().Within("stdio host start");
        await SendAsync("""{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"stdio-stack","version":"1"}}}""");
        await ReadUntilAsync(n => IsResponse(n, "init"), "initialize answer");
        await SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
    }

    private static string HeldCall(string id, JsonNode? progressToken = null) => new JsonObject
    {
        ["jsonrpc"] = "2.0",
        ["id"] = id,
        ["method"] = "tools/call",
        ["params"] = new JsonObject
        {
            ["name"] = "generate_image",
            ["arguments"] = new JsonObject { ["prompt"] = "held " + id, ["steps"] = HeldRun.Steps, ["count"] = HeldRun.Count, ["scheduler"] = "euler", ["inline"] = "none" },
            ["_meta"] = progressToken is null ? null : new JsonObject { ["progressToken"] = progressToken },
        },
    }.ToJsonString();

    [Fact]
    public async Task Progress_reaches_the_client_while_the_run_is_still_held_not_after_it()
    {
        await StartAsync();
        using var gate = new StepGate(Engine, HeldRun.HeldAt);
        await SendAsync(HeldCall("p1", "tok"));
        // Steps 1 and 2 are done and step 3 is held: their notifications must already be on stdout.
        await ReadUntilAsync(n => IsProgress(n, 2), "progress 2 while the run is held");
        await gate.WaitUntilHeldAsync(Limits.Call);
        Assert.Equal(HeldRun.HeldAt, gate.Calls); // still held: nothing of the run after step 2 has happened
        Assert.DoesNotContain(_seen, n => IsResponse(n, "p1"));

        gate.Release();
        await ReadUntilAsync(n => IsResponse(n, "p1"), "the result after release");
        var progress = _seen.Where(n => (string?)n["method"] == "notifications/progress").Select(n => n["params"]!["progress"]!.GetValue<int>()).ToList();
        Assert.Equal(Enumerable.Range(1, HeldRun.Total), progress);
    }

    [Fact]
    public async Task A_request_cancelled_while_queued_never_runs_and_the_server_goes_on()
    {
        await StartAsync();
        using var gate = new StepGate(Engine, HeldRun.HeldAt);
        await SendAsync(HeldCall("running"));
        await gate.WaitUntilHeldAsync(Limits.Call);
        await SendAsync(HeldCall("queued", "q")); // one worker: this one waits in the queue
        await ReadUntilAsync(n => (string?)n["method"] == "notifications/progress" && n["params"]!["message"]!.ToString().StartsWith("queued", StringComparison.Ordinal), "the queued call's queue notification");
        await SendAsync("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"queued","reason":"changed my mind"}}""");
        // Acknowledged without running: its answer is a cancellation, and it never reached the UNet.
        var answer = await ReadUntilAsync(n => IsResponse(n, "queued"), "the cancelled request's answer");
        Assert.True(answer["result"]!["isError"]!.GetValue<bool>(), answer.ToJsonString());
        Assert.Contains("cancelled", answer["result"]!["content"]![0]!["text"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal(HeldRun.HeldAt, gate.Calls);

        gate.Release();
        var done = await ReadUntilAsync(n => IsResponse(n, "running"), "the running call's result");
        Assert.Null(done["result"]!["isError"]);
        Assert.Equal(HeldRun.Total, gate.Calls); // the running call's 20 UNet calls, none for the cancelled one
        Assert.Equal(HeldRun.Count, _output.Pngs.Length);
        await SendAsync("""{"jsonrpc":"2.0","id":"ping","method":"ping"}""");
        await ReadUntilAsync(n => IsResponse(n, "ping"), "ping after the cancellation");
    }

    [Theory]
    [InlineData("[{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"ping\"}]", -32600, "batches")]
    [InlineData("42", -32600, "JSON object")]
    [InlineData("this is not json", -32700, "not JSON")]
    public async Task A_line_the_sdk_would_drop_gets_a_json_rpc_error_and_the_next_call_works(string line, int code, string words)
    {
        await StartAsync();
        await SendAsync(line);
        var error = await ReadUntilAsync(n => n["error"] is not null, "the error reply");
        Assert.Null(error["id"]);
        Assert.Equal(code, error["error"]!["code"]!.GetValue<int>());
        Assert.Contains(words, error["error"]!["message"]!.ToString(), StringComparison.Ordinal);
        await SendAsync("""{"jsonrpc":"2.0","id":"after","method":"tools/call","params":{"name":"list_models","arguments":{}}}""");
        var after = await ReadUntilAsync(n => IsResponse(n, "after"), "list_models after the bad line");
        Assert.Null(after["result"]!["isError"]);
    }

    public async ValueTask DisposeAsync()
    {
        await _toServer.Writer.CompleteAsync();
        await _host.StopAsync().Within("stdio host stop");
        _host.Dispose();
        await _lines.DisposeAsync();
        _output.Dispose();
    }
}
