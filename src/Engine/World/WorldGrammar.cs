using System.Text.Json;

namespace Easel.Engine.World;

/// <summary>
/// The v2 world of models/training/scene_grammar.json ("world"), shared with the Python trainer (models/training/world.py):
/// 1-4 objects, continuous positions (fractions of the canvas width/height) and radii (fractions of the shorter side),
/// rotation, appearance variation, several canvas sizes, relations, caption parts and the held-out triples.
/// </summary>
public sealed class WorldGrammar
{
    private readonly Dictionary<string, (byte R, byte G, byte B)> _rgb;
    private readonly Dictionary<string, WorldShape> _shapes;
    private readonly HashSet<(string Color, string Shape, string Background)> _heldOut;

    public IReadOnlyList<string> Colors { get; }
    public IReadOnlyList<string> Shapes { get; }
    /// <summary>The 3x3 grid cells by name, row-major ("top left" .. "bottom right").</summary>
    public IReadOnlyList<string> Positions { get; }
    public IReadOnlyDictionary<string, IReadOnlyList<string>> PositionPhrases { get; }
    public IReadOnlyDictionary<string, IReadOnlyList<string>> SizePhrases { get; }
    public IReadOnlyDictionary<string, string> Plurals { get; }
    public IReadOnlyDictionary<int, IReadOnlyList<string>> CountWords { get; }
    public IReadOnlyDictionary<string, WorldRelation> Relations { get; }
    public IReadOnlyDictionary<string, (double Min, double Max)> Radius { get; }
    public IReadOnlyList<(int Width, int Height)> Canvases { get; }
    public double RotationMaxDegrees { get; }
    public double ObjectGap { get; }
    /// <summary>No object radius below this many pixels (48-px canvases): smaller shapes cannot be told apart.</summary>
    public double MinRadiusPixels { get; }
    public double PositionMargin { get; }
    public double RelationMinOffset { get; }
    public double RelationMaxCrossRatio { get; }
    public WorldAppearance Appearance { get; }
    public IReadOnlyList<string> SceneTemplates { get; }
    public IReadOnlyList<string> SceneTemplatesNoBackground { get; }
    public IReadOnlyList<string> EvalSceneTemplates { get; }
    public IReadOnlyList<string> EvalSceneTemplatesNoBackground { get; }
    public IReadOnlyList<string> PairJoins { get; }
    public IReadOnlyList<string> RelationJoins { get; }
    public IReadOnlyList<(string Color, string Shape, string Background)> HeldOutTriples { get; }

    private static readonly Lazy<WorldGrammar> Bundled = new(() =>
    {
        using var stream = typeof(WorldGrammar).Assembly.GetManifestResourceStream(EmbeddedResource)
            ?? throw new InvalidOperationException("the scene grammar is not embedded in Easel.Engine");
        using var doc = JsonDocument.Parse(stream);
        return new WorldGrammar(doc.RootElement);
    });

    /// <summary>The manifest name of the scene_grammar.json the engine embeds (one source for slots and judge).</summary>
    internal const string EmbeddedResource = "Easel.Engine.Datasets.scene_grammar.json";

    /// <summary>The bundled model's grammar (embedded); or one read from a scene_grammar.json file.</summary>
    public static WorldGrammar Load(string? path = null)
    {
        if (path is null) return Bundled.Value;
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return new WorldGrammar(doc.RootElement);
    }

    private WorldGrammar(JsonElement root)
    {
        var w = root.GetProperty("world");
        Colors = Strings(w.GetProperty("colors"));
        var palette = root.GetProperty("colors");
        _rgb = Colors.ToDictionary(c => c, c =>
        {
            var v = palette.GetProperty(c).EnumerateArray().Select(e => checked((byte)e.GetInt32())).ToArray();
            return (v[0], v[1], v[2]);
        });
        _shapes = w.GetProperty("shapes").EnumerateObject().ToDictionary(s => s.Name, s => WorldShape.Parse(s.Name, s.Value));
        Shapes = _shapes.Keys.ToList();
        Positions = root.GetProperty("positions").EnumerateObject().Select(p => p.Name).ToList();
        PositionPhrases = Phrases(root.GetProperty("position_phrases"));
        SizePhrases = Phrases(root.GetProperty("size_phrases"));
        Plurals = w.GetProperty("plurals").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        CountWords = w.GetProperty("counts").EnumerateObject().ToDictionary(p => int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture), p => (IReadOnlyList<string>)Strings(p.Value));
        Relations = w.GetProperty("relations").EnumerateObject().ToDictionary(r => r.Name, r => new WorldRelation(
            r.Name, r.Value.GetProperty("axis").GetString()!, r.Value.GetProperty("sign").GetInt32(), Strings(r.Value.GetProperty("phrases"))));
        Radius = w.GetProperty("radius").EnumerateObject().ToDictionary(r => r.Name, r => (r.Value[0].GetDouble(), r.Value[1].GetDouble()));
        Canvases = w.GetProperty("canvases").EnumerateArray().Select(c => (c[0].GetInt32(), c[1].GetInt32())).ToList();
        RotationMaxDegrees = w.GetProperty("rotation_max_deg").GetDouble();
        ObjectGap = w.GetProperty("object_gap").GetDouble();
        MinRadiusPixels = w.GetProperty("min_radius_px").GetDouble();
        PositionMargin = w.GetProperty("position_margin").GetDouble();
        RelationMinOffset = w.GetProperty("relation_min_offset").GetDouble();
        RelationMaxCrossRatio = w.GetProperty("relation_max_cross_ratio").GetDouble();
        Appearance = WorldAppearance.Parse(w.GetProperty("appearance"));
        SceneTemplates = Strings(w.GetProperty("scene_templates"));
        SceneTemplatesNoBackground = Strings(w.GetProperty("scene_templates_no_bg"));
        EvalSceneTemplates = Strings(w.GetProperty("eval_scene_templates"));
        EvalSceneTemplatesNoBackground = Strings(w.GetProperty("eval_scene_templates_no_bg"));
        PairJoins = Strings(w.GetProperty("pair_joins"));
        RelationJoins = Strings(w.GetProperty("relation_joins"));
        HeldOutTriples = w.GetProperty("holdout_triples").EnumerateArray()
            .Select(t => (t[0].GetString()!, t[1].GetString()!, t[2].GetString()!)).ToList();
        _heldOut = HeldOutTriples.ToHashSet();
    }

    public (byte R, byte G, byte B) Rgb(string color) => _rgb[color];

    public WorldShape Shape(string name) => _shapes[name];

    public bool IsHeldOut(string color, string shape, string background) => _heldOut.Contains((color, shape, background));

    /// <summary>(column, row) of a grid cell name.</summary>
    public (int Col, int Row) Cell(string position)
    {
        int i = Positions.ToList().IndexOf(position);
        if (i < 0) throw new ArgumentException($"unknown position '{position}'", nameof(position));
        return (i % 3, i / 3);
    }

    /// <summary>The grid cell name of a centre given as canvas fractions.</summary>
    public string CellOf(double x, double y) => Positions[Third(y) * 3 + Third(x)];

    private static int Third(double f) => Math.Clamp((int)Math.Floor(f * 3), 0, 2);

    private static List<string> Strings(JsonElement e) => e.EnumerateArray().Select(v => v.GetString()!).ToList();

    private static Dictionary<string, IReadOnlyList<string>> Phrases(JsonElement e) =>
        e.EnumerateObject().ToDictionary(p => p.Name, p => (IReadOnlyList<string>)Strings(p.Value));
}
