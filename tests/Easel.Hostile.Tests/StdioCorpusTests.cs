using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Easel.Hostile.Tests;

/// <summary>The corpus's MCP cases over stdio, against one <c>easel serve</c> process that lives through all of them.</summary>
public sealed class StdioCorpusTests(ITestOutputHelper output) : IDisposable
{
    private readonly HostileWorld _world = new();

    [Fact]
    public async Task Every_hostile_mcp_message_over_stdio_is_refused_clearly_and_the_server_keeps_answering()
    {
        await using var server = await StdioServer.StartAsync(_world);
        var tally = new CorpusTally("mcp-stdio", _world);
        await McpCorpusRunner.RunAsync(server, _world, tally);
        if (tally.Dead > 0) output.WriteLine("server stderr:\n" + server.Stderr);
        tally.AssertClean(output);
    }

    public void Dispose() => _world.Dispose();
}

/// <summary>The built executable speaking MCP over stdin/stdout, driven line by line.</summary>
public sealed class StdioServer : IJsonRpcChannel, IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _stderr = new();

    private StdioServer(Process process)
    {
        _process = process;
        _ = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line) _lines.Writer.TryWrite(line);
            _lines.Writer.TryComplete();
        });
        _ = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
                lock (_stderr) if (_stderr.Length < 200_000) _stderr.AppendLine(line);
        });
    }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public static string Executable
    {
        get
        {
            var name = OperatingSystem.IsWindows() ? "easel.exe" : "easel";
            var beside = Path.Combine(AppContext.BaseDirectory, name);
            if (File.Exists(beside)) return beside;
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            var own = Path.Combine(HostileWorld.RepoRoot, "src", "McpServer", "bin", configuration, "net10.0", name);
            return File.Exists(own) ? own : throw new FileNotFoundException("Build src/McpServer first: easel executable not found", own);
        }
    }

    /// <summary>Process settings every launch shares: the world's folders, CPU, the allowed input folder, no inherited key.</summary>
    public static ProcessStartInfo StartInfo(HostileWorld world, params string[] args)
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = new UTF8Encoding(false),
            UseShellExecute = false,
            WorkingDirectory = world.Root,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["EASEL_OUTPUT_DIR"] = world.Output;
        info.Environment["EASEL_DEFAULT_MODEL"] = "easel-shapes";
        info.Environment["EASEL_EXECUTION_PROVIDER"] = "cpu";
        info.Environment["Easel__InputFolders__0"] = world.Allowed;
        info.Environment["EASEL_MAX_REQUEST_MEMORY_MB"] = HostileWorld.MemoryCapMB;
        info.Environment.Remove("EASEL_API_KEY");
        info.Environment.Remove("EASEL_MODELS");
        info.Environment.Remove("ASPNETCORE_URLS");
        return info;
    }

    public static async Task<StdioServer> StartAsync(HostileWorld world)
    {
        var server = new StdioServer(Process.Start(StartInfo(world, "serve", "--models", world.BrokenModels))!);
        var init = await server.SendAsync("""{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"hostile","version":"1"}}}""", TimeSpan.FromSeconds(60));
        if (init.Response?["result"] is null) throw new InvalidOperationException("initialize got no result: " + init.Raw + "\n" + server.Stderr);
        await server.WriteAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        return server;
    }

    private async Task WriteAsync(string line)
    {
        await _process.StandardInput.WriteAsync(line + "\n");
        await _process.StandardInput.FlushAsync();
    }

    public async Task<(JsonNode? Response, string Raw, bool Died)> SendAsync(string line, TimeSpan timeout)
    {
        if (_process.HasExited) return (null, Stderr, true);
        string? id = null;
        try { id = JsonNode.Parse(line.TrimStart('\ufeff'))?["id"]?.ToString(); }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException) { }
        try
        {
            await WriteAsync(line);
        }
        catch (IOException)
        {
            return (null, Stderr, true);
        }
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var text = await _lines.Reader.ReadAsync(cancel.Token);
                JsonNode? node;
                try { node = JsonNode.Parse(text); }
                catch (JsonException) { return (null, "not JSON on stdout: " + text, false); }
                if (node is JsonArray) return (node, text, false);
                if (node?["method"] is not null && node["id"] is null) continue; // a notification (progress, log)
                var replyId = node?["id"]?.ToString();
                // A message whose id could not be read (malformed line, batch) is answered with id null, or by id.
                if (id is null || replyId == id || replyId is null) return (node, text, false);
            }
        }
        catch (OperationCanceledException)
        {
            return (null, "", _process.HasExited);
        }
        catch (ChannelClosedException)
        {
            return (null, Stderr, true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
