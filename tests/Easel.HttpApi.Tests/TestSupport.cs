using System.Collections;
using System.Net.Http.Json;
using System.Text.Json;
using Easel.Engine;
using Easel.McpServer.Http;
using Easel.McpServer.Mcp.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.HttpApi.Tests;

/// <summary>Locates the repository (the folder holding Agents.sln) from the test output folder.</summary>
internal static class RepoPaths
{
    public static string Root => Easel.Testing.RepositoryRoot.Path;
}

/// <summary>A temporary folder, deleted afterwards.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "easel-httpapi-test-" + Guid.NewGuid().ToString("N"));
    public string[] Pngs => Directory.Exists(Path) ? Directory.GetFiles(Path, "*.png") : [];

    public void Dispose()
    {
        try { if (Directory.Exists(Path)) Directory.Delete(Path, true); }
        catch (IOException) { /* a file may still be open on some systems */ }
    }
}

/// <summary>Every awaited call in these tests has a limit, so a hang fails with a message instead of stalling the run.</summary>
internal static class Timeouts
{
    public static readonly TimeSpan Call = TimeSpan.FromSeconds(120);

    public static Task<T> Within<T>(this Task<T> task, string what, TimeSpan? limit = null) =>
        Easel.Testing.TaskLimits.Within(task, what, limit ?? Call);

    public static Task Within(this Task task, string what, TimeSpan? limit = null) =>
        Easel.Testing.TaskLimits.Within(task, what, limit ?? Call);
}

/// <summary>
/// <c>easel serve --http</c> as its command builds it (<see cref="HttpServer.Build"/>), on a free loopback port, with the
/// bundled 64×64 model. Configuration is passed in, never through the process environment.
/// </summary>
internal sealed class ServerHost : IAsyncDisposable
{
    private ServerHost(WebApplication app, TempDir output, Uri baseUri)
    {
        App = app;
        Output = output;
        BaseUri = baseUri;
        Http = new HttpClient { BaseAddress = baseUri, Timeout = Timeouts.Call };
    }

    public WebApplication App { get; }
    public TempDir Output { get; }
    public Uri BaseUri { get; }
    public HttpClient Http { get; }
    public ImageApiHost ImageApis => ImageApiEndpoints.ImageApisOf(App) ?? throw new InvalidOperationException("image APIs not mapped");

    /// <summary>The engine every route runs on, for a <see cref="Easel.Testing.StepGate"/> that holds a run "still going".</summary>
    public EaselEngine Engine => App.Services.GetRequiredService<EaselEngine>();

    public static async Task<ServerHost> StartAsync(string? apiKey = null, IDictionary<string, string?>? settings = null)
    {
        var output = new TempDir();
        var overrides = new Dictionary<string, string?>
        {
            ["Easel:ModelsPath"] = Path.Combine(RepoPaths.Root, "tests", "fixtures", "models"),
            ["Easel:DefaultModel"] = "easel-shapes",
            ["Easel:OutputDirectory"] = output.Path,
            ["Easel:ExecutionProvider"] = "cpu",
            ["Easel:Http:Urls:0"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) overrides[key] = value;
        var environment = new Hashtable();
        if (apiKey is not null) environment["EASEL_API_KEY"] = apiKey;
        var app = HttpServer.Build(ServeSettings.Load(overrides, environment, AppContext.BaseDirectory, useHttp: true));
        await app.StartAsync().Within("server start");
        return new ServerHost(app, output, new Uri(app.Urls.First().TrimEnd('/') + "/"));
    }

    public async Task<(HttpResponseMessage Response, JsonElement Body)> PostJsonAsync(string path, object body, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (apiKey is not null) request.Headers.Authorization = new("Bearer", apiKey);
        var response = await Http.SendAsync(request).Within($"POST {path}");
        return (response, await ReadJsonAsync(response));
    }

    public async Task<(HttpResponseMessage Response, JsonElement Body)> GetJsonAsync(string path, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        configure?.Invoke(request);
        var response = await Http.SendAsync(request).Within($"GET {path}");
        return (response, await ReadJsonAsync(response));
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync().Within("reading a response");
        try
        {
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new Xunit.Sdk.XunitException($"{(int)response.StatusCode} response is not JSON: {text[..Math.Min(300, text.Length)]}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync().Within("server stop");
        await App.DisposeAsync();
        Output.Dispose();
    }
}

/// <summary>Small PNGs for edits: a picture and an OpenAI-style mask (transparent = edit).</summary>
internal static class TestImages
{
    public static byte[] Picture(int side = 64)
    {
        using var image = new Image<Rgba32>(side, side, new Rgba32(240, 240, 240, 255));
        for (int y = side / 4; y < side * 3 / 4; y++)
            for (int x = side / 4; x < side * 3 / 4; x++)
                image[x, y] = new Rgba32(200, 30, 30, 255);
        return Png(image);
    }

    /// <summary>Opaque except the left half, fully transparent: the area to repaint.</summary>
    public static byte[] TransparentLeftHalfMask(int side = 64)
    {
        using var image = new Image<Rgba32>(side, side, new Rgba32(0, 0, 0, 255));
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side / 2; x++)
                image[x, y] = new Rgba32(0, 0, 0, 0);
        return Png(image);
    }

    /// <summary>A1111 convention: white = repaint (here the left half), black = keep.</summary>
    public static byte[] WhiteLeftHalfMask(int side = 64)
    {
        using var image = new Image<Rgb24>(side, side, new Rgb24(0, 0, 0));
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side / 2; x++)
                image[x, y] = new Rgb24(255, 255, 255);
        using var output = new MemoryStream();
        image.SaveAsPng(output);
        return output.ToArray();
    }

    public static (int Width, int Height) PngSize(byte[] png)
    {
        Assert.True(png.Length > 24 && png[0] == 0x89 && png[1] == (byte)'P', "not a PNG");
        int Read(int at) => (png[at] << 24) | (png[at + 1] << 16) | (png[at + 2] << 8) | png[at + 3];
        return (Read(16), Read(20));
    }

    private static byte[] Png(Image<Rgba32> image)
    {
        using var output = new MemoryStream();
        image.SaveAsPng(output);
        return output.ToArray();
    }
}
