using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Easel.McpServer.Tests.Queue;

/// <summary>
/// A real redis-server of this test alone: a free loopback port, no persistence, its own folder. Stop and Start
/// again on the same port model an outage (the restarted server is empty, as one without persistence is).
/// redis-server cannot be told to pick its own port, so a port found free can be taken by a parallel test before
/// redis binds it: then redis exits saying so and the first start tries another port.
/// </summary>
internal sealed class RedisProcess : IDisposable
{
    private readonly TempDir _dir = new();
    private Process? _process;

    private const int PortAttempts = 5;

    public RedisProcess() : this(FreePort()) { }

    /// <summary>Tries <paramref name="firstPort"/> first (a test passes one it holds, to see the retry work).</summary>
    internal RedisProcess(int firstPort)
    {
        Port = firstPort;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                Start();
                return;
            }
            catch (IOException) when (attempt < PortAttempts)
            {
                Port = FreePort();
            }
        }
    }

    public int Port { get; private set; }
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
        _process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("redis-server exited"));
        _process.EnableRaisingEvents = true;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        // Clients connect only once it listens (its own log line says so), so no test races its start.
        bool listening;
        try
        {
            listening = ready.Task.Wait(TimeSpan.FromMinutes(1));
        }
        catch (AggregateException)
        {
            listening = false;
        }
        if (listening) return;
        bool exited = _process.HasExited;
        if (exited) _process.WaitForExit(); // the untimed wait also drains the output readers, so the log is whole
        var log = string.Join("\n", output);
        Stop();
        if (log.Contains("Address already in use", StringComparison.Ordinal))
            throw new IOException($"port {Port} was taken before redis-server bound it:\n{log}");
        throw exited ? new InvalidOperationException("redis-server exited:\n" + log) : new TimeoutException("redis-server not ready within a minute:\n" + log);
    }

    /// <summary>Kills the server at once (no SHUTDOWN: what a crash or a lost network looks like to clients).</summary>
    public void Stop()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
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
