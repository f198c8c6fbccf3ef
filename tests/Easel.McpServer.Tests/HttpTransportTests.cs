using System.Collections;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Easel.Engine;
using Easel.McpServer.Mcp.Hosting;
using Easel.McpServer.Mcp.Http;
using Microsoft.AspNetCore.Builder;
using ModelContextProtocol.Client;

namespace Easel.McpServer.Tests;

public sealed class HttpTransportTests
{
    private const string InitializeBody =
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"http-test","version":"1"}}}""";

    private static ServeSettings Settings(TempDir output, string url = "http://127.0.0.1:0", string? apiKey = null)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["Easel:ModelsPath"] = TestModel.ModelsPath,
            ["Easel:DefaultModel"] = TestModel.Name,
            ["Easel:OutputDirectory"] = output.Path,
            ["Easel:ExecutionProvider"] = "cpu",
            ["Easel:Http:Urls:0"] = url,
        };
        var environment = new Hashtable();
        if (apiKey is not null) environment["EASEL_API_KEY"] = apiKey;
        return ServeSettings.Load(overrides, environment, AppContext.BaseDirectory, useHttp: true);
    }

    private static async Task<(WebApplication App, Uri Endpoint)> StartAsync(ServeSettings settings)
    {
        var app = HttpServer.Build(settings);
        await app.StartAsync();
        return (app, new Uri(app.Urls.First().TrimEnd('/') + HttpServer.Path));
    }

    private static async Task<HttpResponseMessage> PostInitializeAsync(Uri endpoint, Action<HttpRequestMessage>? configure = null)
    {
        using var http = new HttpClient();
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(InitializeBody, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        configure?.Invoke(request);
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task A_tool_call_works_over_streamable_http()
    {
        using var output = new TempDir();
        var (app, endpoint) = await StartAsync(Settings(output));
        await using var _ = app;
        Assert.Equal(IPAddress.Loopback.ToString(), endpoint.Host);

        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = endpoint }));
        var tools = await client.ListToolsAsync();
        Assert.Contains(tools, t => t.Name == "generate_image");
        var result = (await client.CallToolAsync("generate_image", new Dictionary<string, object?> { ["prompt"] = "over http", ["steps"] = 2 })).Ok();
        var path = result.Structured().GetProperty("images")[0].GetProperty("path").GetString()!;
        Assert.StartsWith(output.Path, path);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task Foreign_origins_and_hosts_are_refused_with_403_and_loopback_ones_accepted()
    {
        using var output = new TempDir();
        var (app, endpoint) = await StartAsync(Settings(output));
        await using var _ = app;

        using var evilOrigin = await PostInitializeAsync(endpoint, r => r.Headers.Add("Origin", "http://evil.example.com"));
        Assert.Equal(HttpStatusCode.Forbidden, evilOrigin.StatusCode);
        Assert.Contains("Origin", await evilOrigin.Content.ReadAsStringAsync());

        using var evilHost = await PostInitializeAsync(endpoint, r => r.Headers.Host = "evil.example.com");
        Assert.Equal(HttpStatusCode.Forbidden, evilHost.StatusCode);

        using var rebinding = await PostInitializeAsync(endpoint, r => { r.Headers.Host = "evil.example.com:" + endpoint.Port; r.Headers.Add("Origin", "http://evil.example.com:" + endpoint.Port); });
        Assert.Equal(HttpStatusCode.Forbidden, rebinding.StatusCode);

        using var local = await PostInitializeAsync(endpoint, r => { r.Headers.Host = "localhost:" + endpoint.Port; r.Headers.Add("Origin", "http://localhost:" + endpoint.Port); });
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);

        using var noOrigin = await PostInitializeAsync(endpoint);
        Assert.Equal(HttpStatusCode.OK, noOrigin.StatusCode);
    }

    [Fact]
    public async Task A_configured_token_is_enforced_even_on_loopback()
    {
        using var output = new TempDir();
        var (app, endpoint) = await StartAsync(Settings(output, apiKey: "s3cret-token"));
        await using var _ = app;

        using var missing = await PostInitializeAsync(endpoint);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);

        using var wrong = await PostInitializeAsync(endpoint, r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-tokeN"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        using var right = await PostInitializeAsync(endpoint, r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-token"));
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);

        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = endpoint,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer s3cret-token" },
        }));
        (await client.CallToolAsync("list_models")).Ok();
    }

    [Fact]
    public void A_non_loopback_bind_without_a_key_does_not_start()
    {
        using var output = new TempDir();
        var error = Assert.Throws<EaselException>(() => HttpServer.Build(Settings(output, "http://0.0.0.0:0")));
        Assert.Contains("EASEL_API_KEY", error.Message);
        Assert.Contains("0.0.0.0", error.Message);
        using var app = HttpServer.Build(Settings(output, "http://0.0.0.0:0", apiKey: "k")); // with a key it may
    }

    [Theory]
    [InlineData("http://127.0.0.1:8765", true)]
    [InlineData("http://localhost:8765", true)]
    [InlineData("http://[::1]:8765", true)]
    [InlineData("http://127.0.0.2:80/", true)]
    [InlineData("http://0.0.0.0:8765", false)]
    [InlineData("http://*:8765", false)]
    [InlineData("http://+:8765", false)]
    [InlineData("http://[::]:8765", false)]
    [InlineData("http://192.168.1.10:8765", false)]
    [InlineData("http://myhost:8765", false)]
    public void Loopback_urls_are_recognised(string url, bool loopback) => Assert.Equal(loopback, HttpSafetyPolicy.IsLoopbackUrl(url));

    [Fact]
    public void Policy_checks_hosts_origins_and_tokens()
    {
        var local = new HttpSafetyPolicy(new HttpSettings { Urls = ["http://127.0.0.1:8765"], AllowedOrigins = ["https://app.example.com"] });
        Assert.True(local.HostAllowed("127.0.0.1:8765"));
        Assert.True(local.HostAllowed("[::1]:8765"));
        Assert.True(local.HostAllowed("LOCALHOST"));
        Assert.False(local.HostAllowed("evil.example.com"));
        Assert.False(local.HostAllowed(""));
        Assert.True(local.OriginAllowed(null));
        Assert.True(local.OriginAllowed("http://localhost:3000"));
        Assert.True(local.OriginAllowed("https://app.example.com/"));
        Assert.False(local.OriginAllowed("null"));
        Assert.False(local.OriginAllowed("http://localhost.evil.com"));
        Assert.False(local.OriginAllowed("file://"));
        Assert.True(local.Authorized(null)); // no token configured

        var exposed = new HttpSafetyPolicy(new HttpSettings { Urls = ["http://0.0.0.0:8765"], ApiKey = "k" });
        Assert.True(exposed.HostAllowed("myhost.lan:8765"));
        Assert.False(exposed.Authorized(null));
        Assert.False(exposed.Authorized("Basic k")); // not base64 "user:password"
        Assert.True(exposed.Authorized("Basic " + Convert.ToBase64String("easel:k"u8.ToArray()))); // A1111 clients: the key as password
        Assert.False(exposed.Authorized("Basic " + Convert.ToBase64String("k:easel"u8.ToArray())));
        Assert.True(exposed.Authorized("Bearer k"));
        Assert.True(exposed.Authorized("bearer k"));

        var pinned = new HttpSafetyPolicy(new HttpSettings { Urls = ["http://0.0.0.0:8765"], ApiKey = "k", AllowedHosts = ["easel.lan"] });
        Assert.True(pinned.HostAllowed("easel.lan:8765"));
        Assert.False(pinned.HostAllowed("other.lan:8765"));
    }
}
