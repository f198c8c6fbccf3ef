using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Easel.Engine.Safety;

/// <summary>
/// Blocked terms and patterns per category, checked on every prompt before any work. Loaded from an operator's JSON
/// file (<see cref="EaselOptions.PromptPolicyPath"/>) or the small built-in list; "none" disables it.
/// </summary>
public sealed class PromptPolicy
{
    private const string ResourceName = "Easel.Engine.Safety.default-prompt-policy.json";
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(200);
    private readonly IReadOnlyList<(string Category, Regex Rule)> _rules;
    private readonly ILogger _logger;
    private readonly bool _logPrompts;

    private PromptPolicy(IReadOnlyList<(string, Regex)> rules, ILogger logger, bool logPrompts)
    {
        _rules = rules;
        _logger = logger;
        _logPrompts = logPrompts;
    }

    /// <summary>The categories this policy enforces.</summary>
    public IReadOnlyList<string> Categories => _rules.Select(r => r.Category).Distinct().ToList();

    /// <summary>Loads the policy the options name: null → built-in list, "none" → no rules, else a JSON file.</summary>
    public static PromptPolicy Load(EaselOptions options, ILogger logger)
    {
        var path = options.PromptPolicyPath;
        if (string.Equals(path, "none", StringComparison.OrdinalIgnoreCase))
            return new PromptPolicy([], logger, options.PromptPolicyLogsPrompts);
        string json;
        if (string.IsNullOrWhiteSpace(path))
        {
            using var stream = typeof(PromptPolicy).Assembly.GetManifestResourceStream(ResourceName)!;
            json = new StreamReader(stream).ReadToEnd();
        }
        else
        {
            try { json = File.ReadAllText(path); }
            catch (IOException ex) { throw new EaselException($"prompt policy: cannot read '{path}': {ex.Message}", ex); }
            catch (UnauthorizedAccessException ex) { throw new EaselException($"prompt policy: cannot read '{path}': {ex.Message}", ex); }
        }
        return new PromptPolicy(Parse(json, path ?? "built-in policy"), logger, options.PromptPolicyLogsPrompts);
    }

    /// <summary>Throws <see cref="EaselPolicyException"/> when the prompt or negative prompt matches a rule; logs an audit line.</summary>
    public void Check(string? prompt, string? negativePrompt)
    {
        foreach (var (field, text) in new[] { ("prompt", prompt), ("negative_prompt", negativePrompt) })
        {
            if (string.IsNullOrWhiteSpace(text)) continue;
            var normalized = text.ToLowerInvariant();
            foreach (var (category, rule) in _rules)
            {
                bool hit;
                try { hit = rule.IsMatch(normalized); }
                catch (RegexMatchTimeoutException) { hit = true; } // a pathological input is refused rather than let through
                if (!hit) continue;
                if (_logPrompts)
                    _logger.LogWarning("prompt policy: refused {Field} (category {Category}): {Text}", field, category, text);
                else
                    _logger.LogWarning("prompt policy: refused {Field} (category {Category}); {Length} characters, text not logged", field, category, text.Length);
                throw new EaselPolicyException(field, category);
            }
        }
    }

    private static List<(string, Regex)> Parse(string json, string source)
    {
        var rules = new List<(string, Regex)>();
        try
        {
            using var doc = JsonDocument.Parse(json);
            foreach (var category in doc.RootElement.GetProperty("categories").EnumerateObject())
            {
                if (category.Value.TryGetProperty("terms", out var terms))
                    foreach (var term in terms.EnumerateArray())
                        rules.Add((category.Name, Compile($@"(?<![\p{{L}}\p{{N}}]){Regex.Escape(term.GetString()!.ToLowerInvariant())}(?![\p{{L}}\p{{N}}])")));
                if (category.Value.TryGetProperty("patterns", out var patterns))
                    foreach (var pattern in patterns.EnumerateArray())
                        rules.Add((category.Name, Compile(pattern.GetString()!)));
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw new EaselException($"prompt policy: {source} is not a valid policy file ({{\"categories\": {{NAME: {{\"terms\": [...], \"patterns\": [...]}}}}}}): {ex.Message}", ex);
        }
        return rules;
    }

    private static Regex Compile(string pattern) =>
        new(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline, MatchTimeout);
}
