using System.Text.Json;

namespace Easel.Engine.Datasets;

/// <summary>
/// Slot values from the bundled model's scene grammar (models/training/scene_grammar.json, embedded): <c>color</c>
/// and <c>bg</c> (the palette), <c>shape</c>, <c>size</c>, <c>position</c> (written as its first phrase, "at the top
/// left"); a digit suffix (<c>color1</c>, <c>shape2</c>) names the objects of a two-object prompt.
/// </summary>
public sealed class SceneGrammarSlots
{
    private readonly Dictionary<string, IReadOnlyList<string>> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _positionPhrases = new(StringComparer.Ordinal);

    private SceneGrammarSlots(JsonElement root)
    {
        var colors = root.GetProperty("colors").EnumerateObject().Select(p => p.Name).ToList();
        _values["color"] = colors;
        _values["bg"] = colors;
        _values["shape"] = root.GetProperty("shapes").EnumerateObject().Select(p => p.Name).ToList();
        _values["size"] = root.GetProperty("sizes").EnumerateObject().Select(p => p.Name).ToList();
        _values["position"] = root.GetProperty("positions").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var p in root.GetProperty("position_phrases").EnumerateObject())
            _positionPhrases[p.Name] = p.Value[0].GetString() ?? p.Name;
    }

    /// <summary>The template a grammar data set uses when none is given.</summary>
    public const string DefaultTemplate = "a {color} {shape} on a {bg} background";

    private static readonly Lazy<SceneGrammarSlots> Bundled = new(() =>
    {
        using var stream = typeof(SceneGrammarSlots).Assembly.GetManifestResourceStream(World.WorldGrammar.EmbeddedResource)
            ?? throw new InvalidOperationException("the scene grammar is not embedded in Easel.Engine");
        using var doc = JsonDocument.Parse(stream);
        return new SceneGrammarSlots(doc.RootElement);
    });

    public static SceneGrammarSlots Load() => Bundled.Value;

    /// <summary>A slot's attribute without its object number: <c>color2</c> → <c>color</c>.</summary>
    public static string Attribute(string slot) => slot.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9');

    /// <summary>The grammar's values for a slot, or null when the grammar has no such attribute.</summary>
    public IReadOnlyList<string>? Values(string slot) => _values.GetValueOrDefault(Attribute(slot));

    /// <summary>What the prompt says for a slot value (positions become phrases; the rest as they are).</summary>
    public string Phrase(string slot, string value) =>
        Attribute(slot) == "position" && _positionPhrases.TryGetValue(value, out var phrase) ? phrase : value;

    /// <summary>The objects and background the slot values describe; null when no object attribute is among them.</summary>
    public static SceneLabels? Labels(IReadOnlyList<KeyValuePair<string, string>> slots)
    {
        var byObject = slots.Where(s => Attribute(s.Key) is "shape" or "color" or "size" or "position")
            .GroupBy(s => s.Key[Attribute(s.Key).Length..], StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new SceneObjectLabel(Get(g, "shape"), Get(g, "color"), Get(g, "size"), Get(g, "position")))
            .ToList();
        if (byObject.Count == 0) return null;
        return new SceneLabels(byObject, slots.FirstOrDefault(s => s.Key == "bg").Value);

        static string? Get(IEnumerable<KeyValuePair<string, string>> group, string attribute) =>
            group.FirstOrDefault(s => Attribute(s.Key) == attribute).Value;
    }

    /// <summary>Whether a scene can be drawn as said: no object the colour of the background, no two objects in one place.</summary>
    public static bool Drawable(SceneLabels labels) =>
        labels.Objects.All(o => o.Color is null || o.Color != labels.Background)
        && labels.Objects.Where(o => o.Position is not null).GroupBy(o => o.Position).All(g => g.Count() == 1);
}
