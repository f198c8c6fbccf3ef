using System.Reflection;
using System.Text.Json;

namespace Easel.Engine.Text;

/// <summary>Structured prompt fields; every one optional but the subject.</summary>
public sealed record PromptParts
{
    public required string Subject { get; init; }
    public string? Style { get; init; }        // a preset name (see StylePresets) or free text
    public string? Medium { get; init; }
    public string? Lighting { get; init; }
    public string? Composition { get; init; }
    public string? Mood { get; init; }
    public string? Negatives { get; init; }
}

public sealed record StylePreset(string Name, string Description, string Positive, string Negative);

/// <summary>A prompt ready for a model: text, negative text (empty when the model ignores negatives) and token usage.</summary>
public sealed record ComposedPrompt(
    string Prompt,
    string NegativePrompt,
    int TokenCount,
    int TokenLimit,
    bool UsesNegativePrompt,
    string Model,
    string? Style,
    IReadOnlyList<string> Notes);

/// <summary>
/// Turns structured fields and a named style into a prompt tuned for one model: ordered by importance (subject,
/// medium, style, lighting, composition, mood), trimmed from the least important end to fit the model's 75-token
/// window, and with a negative prompt only for models that use one (not Turbo or LCM).
/// </summary>
public static class PromptComposer
{
    public const int TokenWindow = 75; // one CLIP window minus BOS/EOS

    public static IReadOnlyDictionary<string, StylePreset> StylePresets { get; } = LoadPresets();

    private static Dictionary<string, StylePreset> LoadPresets()
    {
        using var stream = typeof(PromptComposer).Assembly.GetManifestResourceStream("Easel.Engine.Text.style_presets.json")
            ?? throw new InvalidOperationException("style_presets.json is not embedded.");
        using var doc = JsonDocument.Parse(stream);
        return doc.RootElement.GetProperty("presets").EnumerateObject().ToDictionary(
            p => p.Name,
            p => new StylePreset(p.Name, p.Value.GetProperty("description").GetString()!, p.Value.GetProperty("positive").GetString()!, p.Value.GetProperty("negative").GetString()!),
            StringComparer.OrdinalIgnoreCase);
    }

    /// <param name="countTokens">Tokens of a text without BOS/EOS, with the model's tokenizer.</param>
    public static ComposedPrompt Compose(PromptParts parts, string model, bool usesNegativePrompt, Func<string, int> countTokens)
    {
        if (string.IsNullOrWhiteSpace(parts.Subject))
            throw new EaselValidationException("subject", "is required (what the image shows).");
        var notes = new List<string>();
        StylePreset? preset = null;
        string? freeStyle = null;
        if (!string.IsNullOrWhiteSpace(parts.Style))
        {
            if (StylePresets.TryGetValue(parts.Style.Trim(), out var p)) preset = p;
            else if (parts.Style.Trim().Length <= 40 && !parts.Style.Contains(' ') && !parts.Style.Contains(','))
                throw new EaselValidationException("style", $"unknown preset '{parts.Style}'. Presets: {string.Join(", ", StylePresets.Keys)} (or describe a style in words).");
            else freeStyle = parts.Style.Trim();
        }

        // Most important first: trimming removes from the end.
        var pieces = new List<(string Field, string Text)> { ("subject", parts.Subject.Trim()) };
        void Add(string field, string? text) { if (!string.IsNullOrWhiteSpace(text)) pieces.Add((field, text.Trim())); }
        Add("medium", parts.Medium);
        Add("style", freeStyle ?? preset?.Positive);
        Add("lighting", parts.Lighting);
        Add("composition", parts.Composition);
        Add("mood", parts.Mood);

        string Join() => string.Join(", ", pieces.Select(p => p.Text));
        var prompt = Join();
        int tokens = countTokens(prompt);
        while (tokens > TokenWindow && pieces.Count > 1)
        {
            var dropped = pieces[^1];
            pieces.RemoveAt(pieces.Count - 1);
            notes.Add($"dropped {dropped.Field} ('{dropped.Text}') to fit the {TokenWindow}-token window");
            prompt = Join();
            tokens = countTokens(prompt);
        }
        if (tokens > TokenWindow)
            notes.Add($"the subject alone is {tokens} tokens; the model reads it in {TokenWindow}-token chunks, so later words weigh less");

        var negatives = new[] { parts.Negatives, preset?.Negative }.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n!.Trim());
        var negative = string.Join(", ", negatives);
        if (!usesNegativePrompt && negative.Length > 0)
        {
            notes.Add($"model '{model}' runs without classifier-free guidance, so the negative prompt is left empty");
            negative = "";
        }
        return new ComposedPrompt(prompt, negative, tokens, TokenWindow, usesNegativePrompt, model, preset?.Name ?? freeStyle, notes);
    }
}
