using System.Diagnostics;
using System.Text;
using Easel.Testing;

namespace Easel.HttpApi.Tests;

/// <summary>
/// The built <c>easel</c> executable running <c>easel serve --http</c> as a process, the way a user starts it: on
/// <c>http://127.0.0.1:0</c> (a free loopback port the OS picks), its address read from the start-up line it logs,
/// configured through EASEL_* variables with the bundled 64×64 model on the CPU. Stopped by killing it.
/// </summary>
internal sealed class ExecutableServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private ExecutableServer(Process process, TempDir output)
    {
        _process = process;
        Output = output;
    }

    public TempDir Output { get; }
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>What the process wrote to stderr so far (for failure messages).</summary>
    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>The apphost the build copies beside the tests (the referenced exe project), else its own output.</summary>
    public static string Executable
    {
        get
        {
            var name = OperatingSystem.IsWindows() ? "easel.exe" : "easel";
            var beside = Path.Combine(AppContext.BaseDirectory, name);
            if (File.Exists(beside)) return beside;
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0
            var own = Path.Combine(RepoPaths.Root, "src", "McpServer", "bin", configuration, "net10.0", name);
            return File.Exists(own) ? own : throw new FileNotFoundException("Build src/McpServer first: easel executable not found", own);
        }
    }

    public static async Task<ExecutableServer> StartAsync(string? apiKey)
    {
        var output = new TempDir();
        var info = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in new[] { "serve", "--http", "--urls", ServerStartLine.AnyLoopbackPort, "--models", Path.Combine(RepoPaths.Root, "tests", "fixtures", "models") })
            info.ArgumentList.Add(arg);
        info.Environment["EASEL_OUTPUT_DIR"] = output.Path;
        info.Environment["EASEL_DEFAULT_MODEL"] = "easel-shapes";
        info.Environment["EASEL_EXECUTION_PROVIDER"] = "cpu";
        if (apiKey is null) info.Environment.Remove("EASEL_API_KEY");
        else info.Environment["EASEL_API_KEY"] = apiKey;

        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + info.FileName);
        var server = new ExecutableServer(process, output);
        var started = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (server._log) server._log.AppendLine(e.Data);
            if (ServerStartLine.Address(e.Data) is { } address) started.TrySetResult(address);
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (server._log) server._log.AppendLine(e.Data);
        };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => started.TrySetException(new InvalidOperationException("easel serve --http exited before it listened"));
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            server.BaseUri = await started.Task.Within("easel serve --http to listen", TimeSpan.FromMinutes(3));
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            var log = server.Log;
            await server.DisposeAsync();
            throw new Xunit.Sdk.XunitException($"{ex.Message}; its log:\n{log}");
        }
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().Within("the server process to end");
        }
        _process.Dispose();
        Output.Dispose();
    }
}
