using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Easel.McpServer.Tests.Queue;

/// <summary>
/// A real redis-server of this test alone: a free loopback port, no persistence, its own folder. Stop and Start
/// again on the same port model an outage (the restarted server is empty, as one without persistence is).
/// </summary>
internal sealed class RedisProcess : IDisposable
{
    private readonly TempDir _dir = new();
    private Process? _process;

    public RedisProcess()
    {
        Port = FreePort();
        Start();
    }

    public int Port { get; }
    public string Connection => $"127.0.0.1:{Port}";

    public void Start()
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _dir.Path })
            info.ArgumentList.Add(arg);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            output.Enqueue(e.Data);
            if (e.Data.Contains("Ready to accept connections", StringComparison.Ordinal)) ready.TrySetResult();
        };
        _process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("redis-server exited:\n" + string.Join("\n", output)));
        _process.EnableRaisingEvents = true;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        // Clients connect only once it listens (its own log line says so), so no test races its start.
        if (!ready.Task.Wait(TimeSpan.FromMinutes(1)))
            throw new TimeoutException("redis-server not ready within a minute:\n" + string.Join("\n", output));
    }

    /// <summary>Kills the server at once (no SHUTDOWN: what a crash or a lost network looks like to clients).</summary>
    public void Stop()
    {
        if (_process is null) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(TimeSpan.FromSeconds(30));
        _process.Dispose();
        _process = null;
    }

    public static string Executable =>
        new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
        ?? throw new FileNotFoundException("redis-server not found: install Debian's redis-server (.ci/run does).");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        Stop();
        _dir.Dispose();
    }
}
