using System.Collections;
using Easel.McpServer.Mcp.Hosting;
using Microsoft.AspNetCore.Builder;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.McpServer.Tests.Peers;

/// <summary>An in-process Streamable HTTP server on a free loopback port, for peers that connect by URL.</summary>
internal sealed class PeerHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PeerHttpServer(WebApplication app, TempDir output)
    {
        _app = app;
        Output = output;
        Endpoint = app.Urls.First().TrimEnd('/') + HttpServer.Path;
    }

    public string Endpoint { get; }
    public TempDir Output { get; }

    public static async Task<PeerHttpServer> StartAsync()
    {
        var output = new TempDir();
        var overrides = new Dictionary<string, string?>
        {
            ["Easel:ModelsPath"] = TestModel.ModelsPath,
            ["Easel:DefaultModel"] = TestModel.Name,
            ["Easel:OutputDirectory"] = output.Path,
            ["Easel:ExecutionProvider"] = "cpu",
            ["Easel:Http:Urls:0"] = "http://127.0.0.1:0",
        };
        var settings = ServeSettings.Load(overrides, new Hashtable(), AppContext.BaseDirectory, useHttp: true);
        var app = HttpServer.Build(settings);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await app.StartAsync(cts.Token);
        return new PeerHttpServer(app, output);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Output.Dispose();
    }
}

/// <summary>
/// Inputs the peer scripts need beside the server: a 64×64 mask (white square in the middle), as a file and, for
/// the scripts, as a data URI (an HTTP server reads local files only from its allowed folders).
/// </summary>
internal sealed class PeerFixture : IDisposable
{
    private readonly TempDir _folder = new();

    public PeerFixture()
    {
        using var mask = new Image<L8>(TestModel.Side, TestModel.Side);
        for (int y = 16; y < 48; y++)
            for (int x = 16; x < 48; x++)
                mask[x, y] = new L8(255);
        MaskPath = System.IO.Path.Combine(_folder.Path, "mask.png");
        mask.SaveAsPng(MaskPath);
        FilePath = System.IO.Path.Combine(_folder.Path, "fixture.json");
        var dataUri = "data:image/png;base64," + Convert.ToBase64String(File.ReadAllBytes(MaskPath));
        File.WriteAllText(FilePath, System.Text.Json.JsonSerializer.Serialize(new { mask = dataUri }));
    }

    public string MaskPath { get; }
    public string FilePath { get; }

    public void Dispose() => _folder.Dispose();
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OfficialClients
{
    /// <summary>
    /// The peer tests run one at a time, after the parallel tests: each drives a whole server and many generations,
    /// and beside the timing-sensitive cancellation tests they would only starve them of CPU.
    /// </summary>
    public const string Name = "official MCP clients";
}
