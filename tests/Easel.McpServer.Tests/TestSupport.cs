using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Text.Json;
using Easel.Engine;
using Easel.McpServer.Mcp;
using Easel.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.McpServer.Tests;

/// <summary>Locates the repository (the folder holding Agents.sln) from the test output folder.</summary>
internal static class RepoPaths
{
    public static string Root => Easel.Testing.RepositoryRoot.Path;
    public static string FixtureModels => Path.Combine(Root, "tests", "fixtures", "models");
}

/// <summary>
/// The model every test runs: the bundled model (64×64), the default. The tiny exporter
/// fixtures in tests/fixtures/models are listed too (Name = "sd15-optimum" switches to them).
/// </summary>
/// <summary>
/// The tools the server declares ([McpServerTool] methods in its assembly): what every client must list. Counted from
/// the code, so a new tool needs no edit in each peer test.
/// </summary>
internal static class DeclaredTools
{
    public static readonly int Count = typeof(Easel.McpServer.Mcp.Tools.CatalogTools).Assembly.GetTypes()
        .SelectMany(t => t.GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static))
        .Count(m => m.GetCustomAttributes(typeof(ModelContextProtocol.Server.McpServerToolAttribute), false).Length > 0);
}

internal static class TestModel
{
    // The repository's models/ (the bundled model) is always searched; the fixtures are listed beside it.
    public static string ModelsPath => RepoPaths.FixtureModels;
    public const string Name = "easel-shapes";
    public const int Side = 64;

    public static EaselOptions Options(string outputDirectory) => new()
    {
        ModelsPath = ModelsPath,
        DefaultModel = Name,
        OutputDirectory = outputDirectory,
        ExecutionProvider = "cpu",
    };
}

/// <summary>
/// A run the tests hold mid-way with a <see cref="StepGate"/> on the server's engine, so "still running" is a fact the
/// test waits for, not a guess about this machine's speed: 2 images × 10 steps on the bundled model (well under a
/// second if nothing held or stopped it, so a broken hold or cancellation shows as a finished run).
/// </summary>
internal static class HeldRun
{
    public const int Steps = 10;
    public const int Count = 2;
    public const int Total = Steps * Count;

    /// <summary>The UNet call the gate holds: steps 1–2 are done, step 3 has not run.</summary>
    public const int HeldAt = 3;

    public static Dictionary<string, object?> Arguments(string prompt) => new()
    {
        ["prompt"] = prompt,
        ["steps"] = Steps,
        ["scheduler"] = "euler",
        ["count"] = Count,
    };
}

/// <summary>Limits on every awaited call: a hang fails the test with a message instead of stalling the suite.</summary>
internal static class Limits
{
    /// <summary>Generous for a small run on a loaded 2-core machine; only a hang gets near it.</summary>
    public static readonly TimeSpan Call = TimeSpan.FromMinutes(2);

    public static Task<T> Within<T>(this Task<T> task, string what, TimeSpan? limit = null) =>
        Easel.Testing.TaskLimits.Within(task, what, limit ?? Call);

    public static Task Within(this Task task, string what, TimeSpan? limit = null) =>
        Easel.Testing.TaskLimits.Within(task, what, limit ?? Call);
}

/// <summary>A temporary folder, deleted afterwards.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "easel-mcp-test-" + Guid.NewGuid().ToString("N"));
    public string[] Pngs => Directory.Exists(Path) ? Directory.GetFiles(Path, "*.png") : [];
    public void Dispose()
    {
        try { if (Directory.Exists(Path)) Directory.Delete(Path, true); }
        catch (IOException) { /* a server process may still hold a file on some systems */ }
    }
}

/// <summary>An Easel MCP server and a client connected to it through in-memory pipes.</summary>
internal sealed class InProcessServer : IAsyncDisposable
{
    private readonly IHost _host;
    public TempDir Output { get; }
    public McpClient Client { get; }
    public EaselEngine Engine => _host.Services.GetRequiredService<EaselEngine>();

    /// <summary>Holds this server's next run at UNet call <paramref name="at"/> (see <see cref="HeldRun"/>).</summary>
    public StepGate Hold(int at = HeldRun.HeldAt) => new(Engine, at);

    private InProcessServer(IHost host, TempDir output, McpClient client)
    {
        _host = host;
        Output = output;
        Client = client;
    }

    public static async Task<InProcessServer> StartAsync(Action<EaselOptions>? configure = null)
    {
        var output = new TempDir();
        Pipe clientToServer = new(), serverToClient = new();
        var host = await StartHostAsync(output, clientToServer.Reader.AsStream(), serverToClient.Writer.AsStream(), configure);
        var client = await McpClient.CreateAsync(new StreamClientTransport(clientToServer.Writer.AsStream(), serverToClient.Reader.AsStream()))
            .Within("MCP initialize");
        return new InProcessServer(host, output, client);
    }

    /// <summary>A server host on the given streams (for tests that speak raw JSON-RPC).</summary>
    public static async Task<IHost> StartHostAsync(TempDir output, Stream input, Stream outputStream, Action<EaselOptions>? configure = null)
    {
        var options = TestModel.Options(output.Path);
        configure?.Invoke(options);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddEasel(options);
        builder.Services.AddEaselMcpServer().WithStreamServerTransport(input, outputStream).WithEasel();
        var host = builder.Build();
        await host.StartAsync().Within("server host start");
        return host;
    }

    /// <summary>Calls a tool; a call that does not answer within <see cref="Limits.Call"/> fails the test.</summary>
    public Task<CallToolResult> CallAsync(string tool, object arguments, IProgress<ProgressNotificationValue>? progress = null, CancellationToken ct = default) =>
        Client.CallToolAsync(tool, Args(arguments), progress, cancellationToken: ct).AsTask().Within($"tools/call {tool}");

    /// <summary>Long-polls get_job until the job has finished; one still going after a few minutes fails the test.</summary>
    public async Task<CallToolResult> FinishedJobAsync(string id)
    {
        for (int poll = 0; poll < 6; poll++)
        {
            var job = (await CallAsync("get_job", new { job_id = id, wait_seconds = 30 })).Ok();
            if (job.Structured().GetProperty("state").GetString() is not ("queued" or "running")) return job;
        }
        throw new TimeoutException($"job {id} was still going after 6 polls of 30 s");
    }

    /// <summary>Anonymous object → argument dictionary (property names as written, e.g. negative_prompt).</summary>
    public static Dictionary<string, object?> Args(object arguments) =>
        arguments as Dictionary<string, object?> ??
        arguments.GetType().GetProperties().ToDictionary(p => p.Name, p => p.GetValue(arguments));

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await _host.StopAsync().Within("server host stop");
        _host.Dispose();
        Output.Dispose();
    }
}

/// <summary>Collects progress synchronously (Progress&lt;T&gt; would post to the thread pool and race the asserts).</summary>
internal sealed class ProgressLog(Action<ProgressNotificationValue>? onReport = null) : IProgress<ProgressNotificationValue>
{
    public ConcurrentQueue<ProgressNotificationValue> Values { get; } = new();

    public void Report(ProgressNotificationValue value)
    {
        Values.Enqueue(value);
        onReport?.Invoke(value);
    }
}

internal static class Results
{
    public static string Text(this CallToolResult result) =>
        string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text));

    public static JsonElement Structured(this CallToolResult result) =>
        result.StructuredContent ?? throw new Xunit.Sdk.XunitException("no structuredContent: " + result.Text());

    public static CallToolResult Ok(this CallToolResult result)
    {
        if (result.IsError is true) throw new Xunit.Sdk.XunitException("tool error: " + result.Text());
        return result;
    }

    public static long WireSize(this CallToolResult result) =>
        JsonSerializer.SerializeToUtf8Bytes(result, McpJsonUtilities.DefaultOptions).LongLength;

    public static IReadOnlyList<string> ImageIds(this CallToolResult result) =>
        result.Structured().GetProperty("images").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList();
}

internal static class TestImages
{
    /// <summary>A PNG with a smooth gradient (a plausible photo stand-in).</summary>
    public static byte[] Gradient(int width, int height)
    {
        using var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                image[x, y] = new Rgb24((byte)(x * 255 / Math.Max(1, width - 1)), (byte)(y * 255 / Math.Max(1, height - 1)), 128);
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    /// <summary>A PNG of random pixels: incompressible, so a large one is many megabytes.</summary>
    public static byte[] Noise(int width, int height, int seed = 1)
    {
        var random = new Random(seed);
        using var image = new Image<Rgb24>(width, height);
        var bytes = new byte[3];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                random.NextBytes(bytes);
                image[x, y] = new Rgb24(bytes[0], bytes[1], bytes[2]);
            }
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    /// <summary>Decodes image bytes; throws when they are not an image.</summary>
    public static (int Width, int Height) Decode(ReadOnlySpan<byte> bytes)
    {
        using var image = Image.Load<Rgb24>(bytes);
        return (image.Width, image.Height);
    }
}
