using System.Collections;
using Microsoft.Extensions.Configuration;

namespace Easel.Engine;

/// <summary>
/// The one place Easel reads its settings: configuration section "Easel" (bound to <see cref="EaselOptions"/>),
/// <c>Easel__*</c> environment variables, and the flat EASEL_* variables in <see cref="EnvironmentVariables"/>.
/// No other component reads the environment; tests pass their own dictionary instead of the process environment.
/// </summary>
public static class EaselConfiguration
{
    /// <summary>The configuration section <see cref="EaselOptions"/> bind from.</summary>
    public const string SectionName = "Easel";

    /// <summary>Flat environment variables and the configuration keys they set.</summary>
    public static IReadOnlyDictionary<string, string> EnvironmentVariables { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["EASEL_MODELS"] = "Easel:ModelsPath",
        ["EASEL_OUTPUT_DIR"] = "Easel:OutputDirectory",
        ["EASEL_DEFAULT_MODEL"] = "Easel:DefaultModel",
        ["EASEL_EXECUTION_PROVIDER"] = "Easel:ExecutionProvider",
        ["EASEL_PROMPT_POLICY"] = "Easel:PromptPolicyPath",
        ["EASEL_SAFETY_CHECKER"] = "Easel:SafetyChecker",
        ["EASEL_SAFETY_CHECKER_PATH"] = "Easel:SafetyCheckerPath",
        ["EASEL_WATERMARK"] = "Easel:Watermark",
        ["EASEL_MAX_CONCURRENT_GENERATIONS"] = "Easel:MaxConcurrentGenerations",
        ["EASEL_QUEUE_LENGTH"] = "Easel:QueueLength",
        ["EASEL_MAX_REQUEST_MEMORY_MB"] = "Easel:MaxRequestMemoryMB",
        ["EASEL_API_KEY"] = "Easel:Http:ApiKey",
        ["EASEL_QUEUE_REDIS"] = "Easel:Queue:Redis",
        ["EASEL_UNET_BATCH"] = "Easel:UnetBatch",
        ["EASEL_WARM_UP"] = "Easel:WarmUp",
        ["EASEL_INTRA_OP_THREADS"] = "Easel:Onnx:IntraOpThreads",
        ["EASEL_GRAPH_OPTIMIZATION"] = "Easel:Onnx:GraphOptimization",
    };

    /// <summary>List-valued environment variables (comma, semicolon or space separated) and the configuration arrays they set.</summary>
    public static IReadOnlyDictionary<string, string> ListEnvironmentVariables { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["EASEL_ALLOWED_ORIGINS"] = "Easel:Http:AllowedOrigins",
    };

    /// <summary>The variable naming a JSON settings file for <c>easel serve</c> (read by <see cref="ConfigFile"/>).</summary>
    public const string ConfigFileVariable = "EASEL_CONFIG";

    /// <summary>The JSON file EASEL_CONFIG names in <paramref name="environment"/> (null: the process environment), if any.</summary>
    public static string? ConfigFile(IDictionary? environment = null) =>
        Read(environment).GetValueOrDefault(ConfigFileVariable) is { Length: > 0 } file ? Path.GetFullPath(file) : null;

    /// <summary>
    /// Adds the <c>Easel__*</c> and EASEL_* variables of <paramref name="environment"/> (null: the process
    /// environment) as configuration keys; flat variables win over <c>Easel__*</c> ones.
    /// </summary>
    public static IConfigurationBuilder AddEaselEnvironmentVariables(this IConfigurationBuilder builder, IDictionary? environment = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var env = Read(environment);
        var keys = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in env)
            if (name.StartsWith(SectionName + "__", StringComparison.OrdinalIgnoreCase))
                keys[name.Replace("__", ":", StringComparison.Ordinal)] = value;
        foreach (var (name, key) in EnvironmentVariables)
            if (env.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value))
                keys[key] = value;
        foreach (var (name, key) in ListEnvironmentVariables)
            if (env.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value))
            {
                var items = value.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                for (int i = 0; i < items.Length; i++) keys[$"{key}:{i}"] = items[i];
            }
        return builder.AddInMemoryCollection(keys);
    }

    /// <summary>Binds section "Easel" of <paramref name="configuration"/> onto <paramref name="options"/> (a new instance when null).</summary>
    public static EaselOptions Bind(IConfiguration configuration, EaselOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        options ??= new EaselOptions();
        configuration.GetSection(SectionName).Bind(options);
        return options;
    }

    /// <summary>Options from the environment alone (the CLI): <c>Easel__*</c> and EASEL_* variables over the defaults.</summary>
    public static EaselOptions FromEnvironment(IDictionary? environment = null) =>
        Bind(new ConfigurationBuilder().AddEaselEnvironmentVariables(environment).Build());

    private static Dictionary<string, string> Read(IDictionary? environment) =>
        (environment ?? Environment.GetEnvironmentVariables()).Cast<DictionaryEntry>()
            .Where(e => e.Key is string && e.Value is string)
            .GroupBy(e => (string)e.Key, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => (string)g.First().Value!, StringComparer.OrdinalIgnoreCase);
}
