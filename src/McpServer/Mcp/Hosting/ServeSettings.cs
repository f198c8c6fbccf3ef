using System.Collections;
using Easel.Engine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Easel.McpServer.Mcp.Hosting;

/// <summary>HTTP-only settings (section "Easel:Http").</summary>
public sealed class HttpSettings
{
    public const string DefaultUrl = "http://127.0.0.1:8765";

    /// <summary>Addresses to listen on; default loopback only.</summary>
    public string[] Urls { get; set; } = []; // empty: DefaultUrl (a default here would be kept beside bound values)

    /// <summary>Bearer token clients must send (EASEL_API_KEY). Required to listen beyond loopback; always enforced when set.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Browser origins allowed besides loopback ones (exact, e.g. https://app.example.com; "*" allows any).</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Host header values allowed besides loopback names. Empty: any host when bound beyond loopback.</summary>
    public string[] AllowedHosts { get; set; } = [];
}

/// <summary>
/// Everything <c>easel serve</c> needs, from (later wins) defaults, appsettings.json beside the executable,
/// the file named by EASEL_CONFIG, <c>Easel__*</c> environment variables, the flat EASEL_* variables and the
/// command line. Section "Easel" binds to <see cref="EaselOptions"/>, "Easel:Http" to <see cref="HttpSettings"/>.
/// </summary>
public sealed class ServeSettings
{
    /// <summary>Flat environment variables and the configuration keys they set.</summary>
    public static readonly IReadOnlyDictionary<string, string> FlatVariables = new Dictionary<string, string>
    {
        ["EASEL_OUTPUT_DIR"] = "Easel:OutputDirectory",
        ["EASEL_DEFAULT_MODEL"] = "Easel:DefaultModel",
        ["EASEL_EXECUTION_PROVIDER"] = "Easel:ExecutionProvider",
        ["EASEL_MAX_CONCURRENT_GENERATIONS"] = "Easel:MaxConcurrentGenerations",
        ["EASEL_QUEUE_LENGTH"] = "Easel:QueueLength",
        ["EASEL_API_KEY"] = "Easel:Http:ApiKey",
        // EASEL_MODELS is read by the model registry itself (a path list), so it is not mapped here.
    };

    public required EaselOptions Engine { get; init; }
    public required HttpSettings Http { get; init; }
    public bool UseHttp { get; init; }
    public LogLevel LogLevel { get; init; } = LogLevel.Information;
    public required IConfiguration Configuration { get; init; }

    /// <param name="commandLine">Options already read from the command line, as configuration keys.</param>
    /// <param name="environment">The process environment (tests pass their own).</param>
    /// <param name="baseDirectory">Where appsettings.json is looked for (the executable's folder).</param>
    public static ServeSettings Load(IDictionary<string, string?> commandLine, IDictionary environment, string baseDirectory, bool useHttp = false, bool verbose = false)
    {
        var env = environment.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => e.Value as string, StringComparer.OrdinalIgnoreCase);
        var builder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(baseDirectory, "appsettings.json"), optional: true, reloadOnChange: false);
        if (env.GetValueOrDefault("EASEL_CONFIG") is { Length: > 0 } file)
            builder.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false);
        builder.AddInMemoryCollection(env
            .Where(e => e.Key.StartsWith("Easel__", StringComparison.OrdinalIgnoreCase))
            .Select(e => KeyValuePair.Create(e.Key.Replace("__", ":"), e.Value)));
        builder.AddInMemoryCollection(FlatVariables
            .Where(v => !string.IsNullOrWhiteSpace(env.GetValueOrDefault(v.Key)))
            .Select(v => KeyValuePair.Create(v.Value, env[v.Key])));
        if (env.GetValueOrDefault("EASEL_ALLOWED_ORIGINS") is { Length: > 0 } origins)
            builder.AddInMemoryCollection(Split(origins).Select((o, i) => KeyValuePair.Create($"Easel:Http:AllowedOrigins:{i}", (string?)o)));
        builder.AddInMemoryCollection(commandLine);
        var configuration = builder.Build();

        var engine = new EaselOptions();
        configuration.GetSection("Easel").Bind(engine);
        if (string.IsNullOrWhiteSpace(configuration["Easel:OutputDirectory"]))
            engine.OutputDirectory = DefaultOutputDirectory();
        // Over HTTP the caller may be another machine: local paths are limited to the output folder unless
        // Easel:InputFolders names more. stdio servers run as the user's own client and read any path.
        if (useHttp && engine.InputFolders is null) engine.InputFolders = [];
        var http = new HttpSettings();
        configuration.GetSection("Easel:Http").Bind(http);
        if (string.IsNullOrWhiteSpace(http.ApiKey)) http.ApiKey = null;
        if (http.Urls.Length == 0) http.Urls = [HttpSettings.DefaultUrl];
        return new ServeSettings
        {
            Engine = engine,
            Http = http,
            UseHttp = useHttp,
            LogLevel = verbose ? LogLevel.Debug : LogLevel.Information,
            Configuration = configuration,
        };
    }

    /// <summary>
    /// Desktop clients start servers in arbitrary (often read-only) working directories, so serve does not use the
    /// CLI's ./outputs: images go to ~/Pictures/Easel unless configured.
    /// </summary>
    public static string DefaultOutputDirectory() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "Pictures", "Easel");

    private static IEnumerable<string> Split(string list) =>
        list.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
