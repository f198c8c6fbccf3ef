using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Easel.McpServer.Tests.Peers;
using Easel.Queue;
using Easel.Testing;
using StackExchange.Redis;

namespace Easel.McpServer.Tests.Queue;

/// <summary>
/// One scale-out deployment of real processes: its own redis-server, a front (<c>easel serve --http</c> with
/// Easel:Queue:Redis) and workers (<c>easel worker</c>) on the bundled model, each with its own folders.
/// </summary>
internal sealed class QueueCluster : IAsyncDisposable
{
    /// <summary>Short, so a killed worker's job is reclaimed in seconds; live workers re-claim theirs every 3 s, so only
    /// the test of a killed worker uses it: elsewhere a 3 s stall on a loaded machine would let the other worker take a
    /// live job (attempt 2) and fail an exactly-once check.</summary>
    public const int KilledWorkerClaimIdleSeconds = 6;

    /// <summary>The product's default: a live worker's job is never reclaimed by a stall a loaded machine can cause.</summary>
    public const int SteadyClaimIdleSeconds = 30;

    private readonly int _claimIdleSeconds;

    private readonly List<Process> _processes = [];
    private readonly List<TempDir> _folders = [];
    private readonly ConcurrentDictionary<string, Process> _workers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _logs = new(StringComparer.Ordinal);

    private QueueCluster(RedisProcess redis, ConnectionMultiplexer client, int claimIdleSeconds)
    {
        _claimIdleSeconds = claimIdleSeconds;
        Redis = redis;
        Client = client;
    }

    public RedisProcess Redis { get; }
    /// <summary>The test's own view into Redis (AbortOnConnectFail off: it outlives a restart).</summary>
    public ConnectionMultiplexer Client { get; }
    public IDatabase Db => Client.GetDatabase();
    /// <summary>Where the front listens: the port the OS gave it, read from its start-up line.</summary>
    public Uri FrontUrl { get; private set; } = null!;
    public Uri McpEndpoint => new(FrontUrl, "/mcp");
    public TempDir FrontOutput { get; } = new();

    public static Task<QueueCluster> StartAsync(params string[] workers) => StartAsync(SteadyClaimIdleSeconds, workers);

    public static async Task<QueueCluster> StartAsync(int claimIdleSeconds, params string[] workers)
    {
        var redis = new RedisProcess();
        var client = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { redis.Connection },
            AbortOnConnectFail = false,
            ConnectRetry = 10,
        });
        var cluster = new QueueCluster(redis, client, claimIdleSeconds);
        cluster.StartFront();
        await Eventually.Until(() => Task.FromResult(cluster.Log("front").Any(ServerStartLine.IsStartLine)), "front logs its address", cluster.Describe);
        cluster.FrontUrl = cluster.Log("front").Select(ServerStartLine.Address).OfType<Uri>().FirstOrDefault()
            ?? throw new InvalidOperationException("the front's start-up line names no address:\n" + cluster.Describe());
        foreach (var name in workers) cluster.StartWorker(name);
        using var http = new HttpClient();
        await Eventually.Until(async () =>
        {
            try { return (await http.GetAsync(new Uri(cluster.FrontUrl, "/health"))).IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
        }, "front answers /health", cluster.Describe);
        foreach (var name in workers) await cluster.WorkerReadyAsync(name);
        return cluster;
    }

    private Dictionary<string, string?> Environment(string output) => new(EaselExecutable.Environment(output))
    {
        ["EASEL_QUEUE_REDIS"] = Redis.Connection,
    };

    private void StartFront()
    {
        var process = Launch("front", ["serve", "--http", "--urls", ServerStartLine.AnyLoopbackPort, "--models", TestModel.ModelsPath], Environment(FrontOutput.Path));
        _processes.Add(process);
    }

    public void StartWorker(string name)
    {
        var output = new TempDir();
        _folders.Add(output);
        var process = Launch(name, ["worker", "--queue", Redis.Connection, "--name", name, "--models", TestModel.ModelsPath,
            "--model", TestModel.Name, "--claim-idle", _claimIdleSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--verbose"], Environment(output.Path));
        _workers[name] = process;
        _processes.Add(process);
    }

    /// <summary>A worker counts as up once its heartbeat is in Redis (it then takes jobs within a poll).</summary>
    public Task WorkerReadyAsync(string name) => Eventually.Until(async () =>
        (await Db.SortedSetScoreAsync(QueueKeys.Workers(TestModel.Name), name)) is not null, $"worker {name} registered", Describe);

    /// <summary><c>kill -9</c>: no chance to release its job or say goodbye.</summary>
    public void Kill(string worker)
    {
        var process = _workers[worker];
        process.Kill(entireProcessTree: true);
        process.WaitForExit(TimeSpan.FromSeconds(30));
    }

    public IReadOnlyCollection<string> Log(string name) => _logs.TryGetValue(name, out var lines) ? lines : [];

    private Process Launch(string name, string[] args, Dictionary<string, string?> environment)
    {
        var info = new ProcessStartInfo(EaselExecutable.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (key, value) in environment)
        {
            if (value is null) info.Environment.Remove(key);
            else info.Environment[key] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{name} did not start");
        var lines = _logs.GetOrAdd(name, _ => new ConcurrentQueue<string>());
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Ids of every job Redis knows (a test's Redis is its own).</summary>
    public async Task<IReadOnlyList<string>> JobIdsAsync()
    {
        var server = Client.GetServers()[0];
        var ids = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: "easel:job:{*}"))
        {
            var k = key.ToString();
            ids.Add(k["easel:job:{".Length..^1]);
        }
        return ids;
    }

    public async Task<JsonElement?> OutcomeAsync(string id) =>
        await Db.StringGetAsync(QueueKeys.Result(id)) is { HasValue: true } v ? JsonDocument.Parse(v.ToString()).RootElement.Clone() : null;

    public string Describe() => string.Join("\n", _logs.Select(l => $"--- {l.Key}\n" + string.Join("\n", l.Value.TakeLast(40))));

    /// <summary>Output-folder files that are not finished images (partial writes are never left visible).</summary>
    public IEnumerable<string> FrontLeftovers()
    {
        var partial = Path.Combine(FrontOutput.Path, Easel.Engine.Imaging.ImageStore.PartialFolder);
        return Directory.Exists(partial) ? Directory.GetFiles(partial) : [];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            try
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (InvalidOperationException) { }
            process.Dispose();
        }
        await Client.DisposeAsync();
        Redis.Dispose();
        FrontOutput.Dispose();
        foreach (var folder in _folders) folder.Dispose();
    }
}

/// <summary>Waits for a state by polling it, with a limit, so a test never depends on how fast this machine is.</summary>
internal static class Eventually
{
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    public static async Task Until(Func<Task<bool>> condition, string what, Func<string>? describe = null, TimeSpan? limit = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await condition()) return;
            }
            catch (RedisConnectionException) { /* Redis restarting: ask again */ }
            if (deadline.Elapsed > (limit ?? Limit))
                throw new TimeoutException($"{what}: not reached within {limit ?? Limit}.\n{describe?.Invoke()}");
            await Task.Delay(50); // polling interval, not synchronisation: the condition decides
        }
    }
}
