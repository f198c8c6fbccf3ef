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
/// the file named by EASEL_CONFIG, the environment variables <see cref="EaselConfiguration"/> maps, and the
/// command line. Section "Easel" binds to <see cref="EaselOptions"/>, "Easel:Http" to <see cref="HttpSettings"/>.
/// </summary>
public sealed class ServeSettings
{
    public required EaselOptions Engine { get; init; }
    public required HttpSettings Http { get; init; }
    public bool UseHttp { get; init; }
    public LogLevel LogLevel { get; init; } = LogLevel.Information;
    public required IConfiguration Configuration { get; init; }

    /// <param name="commandLine">Options already read from the command line, as configuration keys.</param>
    /// <param name="environment">Environment variables (null: the process environment; tests pass their own).</param>
    /// <param name="baseDirectory">Where appsettings.json is looked for (the executable's folder).</param>
    public static ServeSettings Load(IDictionary<string, string?> commandLine, IDictionary? environment, string baseDirectory, bool useHttp = false, bool verbose = false)
    {
        var builder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(baseDirectory, "appsettings.json"), optional: true, reloadOnChange: false);
        if (EaselConfiguration.ConfigFile(environment) is { } file)
            builder.AddJsonFile(file, optional: false, reloadOnChange: false);
        builder.AddEaselEnvironmentVariables(environment);
        builder.AddInMemoryCollection(commandLine);
        var configuration = builder.Build();

        var engine = EaselConfiguration.Bind(configuration);
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
}
