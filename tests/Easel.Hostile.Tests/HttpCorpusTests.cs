using System.Collections;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Easel.McpServer.Mcp.Hosting;
using Microsoft.AspNetCore.Builder;

namespace Easel.Hostile.Tests;

/// <summary>The corpus over Streamable HTTP: the MCP cases, then the HTTP-only ones (headers, bodies, paths), on one server.</summary>
public sealed class HttpCorpusTests(ITestOutputHelper output) : IDisposable
{
    private readonly HostileWorld _world = new();

    [Fact]
    public async Task Every_hostile_mcp_message_over_http_is_refused_clearly_and_the_server_keeps_answering()
    {
        await using var server = await HttpMcpServer.StartAsync(_world);
        var tally = new CorpusTally("mcp-http", _world);
        await McpCorpusRunner.RunAsync(server, _world, tally);
        tally.AssertClean(output);
    }

    [Fact]
    public async Task Every_hostile_http_request_gets_a_4xx_and_the_server_keeps_answering()
    {
        await using var server = await HttpMcpServer.StartAsync(_world);
        var tally = new CorpusTally("http", _world);
        foreach (var c in Corpus.Section("http"))
        {
            var before = _world.OutputSnapshot();
            var (status, body) = await server.SendRawAsync(c.Data);
            var allowed = c.Data["status"]!.AsArray().Select(s => s!.GetValue<int>()).ToList();
            // A 500 is an unhandled exception: a crash for this measure. Any other status outside the list is unclear.
            var reply = status == 0 ? new CaseReply(false, false, false, "", body)
                : status >= 500 ? new CaseReply(true, true, true, $"{status}: {body}", body)
                : new CaseReply(true, false, allowed.Contains(status), $"{status}: {body}", body);
            bool alive = (await server.SendAsync("""{"jsonrpc":"2.0","id":"alive","method":"ping"}""", TimeSpan.FromSeconds(20))).Response?["result"] is not null;
            tally.Judge(c, reply, before, _world.OutputSnapshot(), alive);
        }
        tally.AssertClean(output);
    }

    public void Dispose() => _world.Dispose();
}

/// <summary><c>easel serve --http</c> in-process on a loopback port, with a raw JSON-RPC client holding one session.</summary>
public sealed class HttpMcpServer : IJsonRpcChannel, IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private string? _session;

    private HttpMcpServer(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public static ServeSettings Settings(HostileWorld world, IDictionary<string, string?>? extra = null, IDictionary? environment = null)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["Easel:ModelsPath"] = world.BrokenModels,
            ["Easel:DefaultModel"] = "easel-shapes",
            ["Easel:OutputDirectory"] = world.Output,
            ["Easel:ExecutionProvider"] = "cpu",
            ["Easel:InputFolders:0"] = world.Allowed,
            ["Easel:MaxRequestMemoryMB"] = HostileWorld.MemoryCapMB,
            ["Easel:Http:Urls:0"] = "http://127.0.0.1:0",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) overrides[k] = v;
        return ServeSettings.Load(overrides, environment ?? new Hashtable(), AppContext.BaseDirectory, useHttp: true);
    }

    public static async Task<HttpMcpServer> StartAsync(HostileWorld world, ServeSettings? settings = null)
    {
        var app = HttpServer.Build(settings ?? Settings(world));
        using var start = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await app.StartAsync(start.Token);
        var server = new HttpMcpServer(app, new Uri(app.Urls.First().TrimEnd('/') + HttpServer.Path));
        var init = await server.SendAsync("""{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"hostile","version":"1"}}}""", TimeSpan.FromSeconds(60));
        if (init.Response?["result"] is null) throw new InvalidOperationException("initialize got no result: " + init.Raw);
        await server.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", TimeSpan.FromSeconds(20));
        return server;
    }

    public async Task<(JsonNode? Response, string Raw, bool Died)> SendAsync(string line, TimeSpan timeout)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new StringContent(line, new UTF8Encoding(false), "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (_session is not null) request.Headers.Add("Mcp-Session-Id", _session);
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
            if (response.Headers.TryGetValues("Mcp-Session-Id", out var ids)) _session ??= ids.First();
            var body = await response.Content.ReadAsStringAsync(cancel.Token);
            if ((int)response.StatusCode >= 500) return (null, $"{(int)response.StatusCode}: {body}", true);
            return (ParseBody(body), body, false);
        }
        catch (OperationCanceledException)
        {
            return (null, "", false);
        }
    }

    /// <summary>A JSON body, or the first JSON-RPC response among the data: lines of an event stream.</summary>
    private static JsonNode? ParseBody(string body)
    {
        foreach (var candidate in new[] { body }.Concat(body.Split('\n').Where(l => l.StartsWith("data:", StringComparison.Ordinal)).Select(l => l[5..])))
        {
            try
            {
                var node = JsonNode.Parse(candidate);
                if (node is JsonArray || node?["result"] is not null || node?["error"] is not null) return node;
            }
            catch (JsonException) { }
        }
        return null;
    }

    /// <summary>An HTTP-only corpus case: its own method, path, headers and body. Returns the status (0 on timeout) and body.</summary>
    public async Task<(int Status, string Body)> SendRawAsync(JsonObject c)
    {
        var uri = new Uri(Endpoint, c["path"]!.GetValue<string>());
        using var request = new HttpRequestMessage(new HttpMethod(c["method"]!.GetValue<string>()), uri);
        if (c["body"]?.GetValue<string>() is { } body) request.Content = new StringContent(body, new UTF8Encoding(false), "application/json");
        var headers = c["headers"]!.AsObject();
        if (!headers.ContainsKey("Accept"))
        {
            request.Headers.Accept.ParseAdd("application/json");
            request.Headers.Accept.ParseAdd("text/event-stream");
        }
        foreach (var (name, value) in headers)
        {
            var text = value!.GetValue<string>();
            if (name == "Host") request.Headers.Host = text;
            else if (name == "Content-Type" && request.Content is not null) request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(text);
            else request.Headers.TryAddWithoutValidation(name, text);
        }
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            using var response = await _http.SendAsync(request, cancel.Token);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancel.Token));
        }
        catch (OperationCanceledException)
        {
            return (0, "");
        }
        catch (HttpRequestException ex) when (ex.StatusCode is null)
        {
            return (400, "connection closed by the server: " + ex.Message); // Kestrel drops requests it cannot parse
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
