using System.Text.Json;

namespace Easel.Testing;

/// <summary>
/// The procedural scene grammar shared with the Python trainer (models/training/scene_grammar.json):
/// palette, shapes, sizes, positions, caption templates and the held-out (colour, shape, background) triples.
/// </summary>
public sealed partial class SceneGrammar
{
    public const string FileName = "scene_grammar.json";

    private readonly Dictionary<string, ShapeSpec> _shapeSpecs;
    private readonly Dictionary<string, (double X, double Y)> _positionCentres;
    private readonly Dictionary<string, double> _sizeRadii;
    private readonly HashSet<(string Color, string Shape, string Background)> _heldOut;

    public int ImageSize { get; }
    public IReadOnlyDictionary<string, (byte R, byte G, byte B)> Colors { get; }
    /// <summary>Colour names in file order (dictionary order is not something to rely on).</summary>
    public IReadOnlyList<string> ColorNames { get; }
    public IReadOnlyList<string> Shapes { get; }
    public IReadOnlyList<string> Positions { get; }
    public IReadOnlyList<string> Sizes { get; }
    public IReadOnlyDictionary<string, IReadOnlyList<string>> PositionPhrases { get; }
    public IReadOnlyDictionary<string, IReadOnlyList<string>> SizePhrases { get; }
    public IReadOnlyList<string> TemplatesOne { get; }
    public IReadOnlyList<string> TemplatesTwo { get; }
    public string DefaultSize { get; }
    public string DefaultPosition { get; }
    public string TwoObjectSize { get; }
    public IReadOnlyList<(string Color, string Shape, string Background)> HeldOutTriples { get; }

    /// <summary>Loads the grammar; by default the scene_grammar.json copied beside this assembly.</summary>
    public static SceneGrammar Load(string? path = null)
    {
        path ??= Path.Combine(AppContext.BaseDirectory, FileName);
        if (!File.Exists(path))
            path = Path.Combine(Path.GetDirectoryName(typeof(SceneGrammar).Assembly.Location) ?? ".", FileName);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return new SceneGrammar(doc.RootElement);
    }

    private SceneGrammar(JsonElement root)
    {
        ImageSize = root.GetProperty("image_size").GetInt32();

        var colors = new Dictionary<string, (byte, byte, byte)>();
        foreach (var c in root.GetProperty("colors").EnumerateObject())
        {
            var rgb = c.Value.EnumerateArray().Select(v => checked((byte)v.GetInt32())).ToArray();
            colors[c.Name] = (rgb[0], rgb[1], rgb[2]);
        }
        Colors = colors;
        ColorNames = colors.Keys.ToList();

        _shapeSpecs = root.GetProperty("shapes").EnumerateObject()
            .ToDictionary(s => s.Name, s => ShapeSpec.Parse(s.Value));
        Shapes = _shapeSpecs.Keys.ToList();

        _sizeRadii = root.GetProperty("sizes").EnumerateObject().ToDictionary(s => s.Name, s => s.Value.GetDouble());
        Sizes = _sizeRadii.Keys.ToList();

        _positionCentres = root.GetProperty("positions").EnumerateObject().ToDictionary(
            p => p.Name, p => (p.Value[0].GetDouble(), p.Value[1].GetDouble()));
        Positions = _positionCentres.Keys.ToList();

        PositionPhrases = ReadPhrases(root.GetProperty("position_phrases"));
        SizePhrases = ReadPhrases(root.GetProperty("size_phrases"));
        TemplatesOne = root.GetProperty("templates_one").EnumerateArray().Select(t => t.GetString()!).ToList();
        TemplatesTwo = root.GetProperty("templates_two").EnumerateArray().Select(t => t.GetString()!).ToList();

        var defaults = root.GetProperty("defaults_when_unsaid");
        DefaultSize = defaults.GetProperty("size").GetString()!;
        DefaultPosition = defaults.GetProperty("position").GetString()!;
        TwoObjectSize = root.GetProperty("two_object_size").GetString()!;

        HeldOutTriples = root.GetProperty("holdout").GetProperty("triples").EnumerateArray()
            .Select(t => (t[0].GetString()!, t[1].GetString()!, t[2].GetString()!)).ToList();
        _heldOut = HeldOutTriples.ToHashSet();

        _captionPatterns = BuildCaptionPatterns();
    }

    private static Dictionary<string, IReadOnlyList<string>> ReadPhrases(JsonElement e) =>
        e.EnumerateObject().ToDictionary(
            p => p.Name, p => (IReadOnlyList<string>)p.Value.EnumerateArray().Select(v => v.GetString()!).ToList());

    public bool IsHeldOut(string color, string shape, string background) => _heldOut.Contains((color, shape, background));

    /// <summary>True when any object of the scene forms a held-out triple with the background.</summary>
    public bool ContainsHeldOut(Scene scene) => scene.Objects.Any(o => IsHeldOut(o.Color, o.Shape, scene.Background));

    public ShapeSpec ShapeSpecOf(string shape) => _shapeSpecs[shape];

    /// <summary>Object centre as fractions of the image side (x right, y down).</summary>
    public (double X, double Y) PositionCentre(string position) => _positionCentres[position];

    /// <summary>Object radius r as a fraction of the image side.</summary>
    public double SizeRadius(string size) => _sizeRadii[size];

    public (byte R, byte G, byte B) Rgb(string color) => Colors[color];
}

/// <summary>How a grammar shape is drawn: its kind (disk, square, triangle, ring) and the one parameter it has.</summary>
public sealed record ShapeSpec(string Kind, double Parameter)
{
    public const string Disk = "disk", Square = "square", Triangle = "triangle", Ring = "ring";

    internal static ShapeSpec Parse(JsonElement e)
    {
        var kind = e.GetProperty("kind").GetString()!;
        return kind switch
        {
            Disk => new ShapeSpec(kind, 1.0),
            Square => new ShapeSpec(kind, e.GetProperty("half_side").GetDouble()),
            Triangle => new ShapeSpec(kind, e.GetProperty("circumradius").GetDouble()),
            Ring => new ShapeSpec(kind, e.GetProperty("inner").GetDouble()),
            _ => throw new InvalidDataException($"Unknown shape kind '{kind}' in {SceneGrammar.FileName}."),
        };
    }
}
