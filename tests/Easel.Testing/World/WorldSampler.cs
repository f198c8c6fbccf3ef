using System.Text.RegularExpressions;
using Easel.Engine.Text;
using Easel.Engine.World;

namespace Easel.Testing.World;

/// <summary>
/// Samples world scenes and their captions by the rules of models/training/world.py: what a prompt leaves unsaid
/// (centre, radius, rotation, shade, look) is drawn at random; what it says is obeyed. Deterministic per Random seed.
/// </summary>
public sealed partial class WorldSampler(WorldGrammar g)
{
    /// <summary>Held-out evaluation scene number <paramref name="index"/> of a category: one object is a held-out
    /// (colour, shape, background) triple, the background is said, and <see cref="Caption"/> with evalPhrasing uses
    /// templates training never saw.</summary>
    public WorldScene EvalScene(string category, int index, Random rng, int width = 64, int height = 64)
    {
        var (c, s, b) = g.HeldOutTriples[index % g.HeldOutTriples.Count];
        for (int attempt = 0; ; attempt++)
        {
            List<(string Color, string Shape, string? Size, string? Cell)> objects;
            WorldPrompt said;
            switch (category)
            {
                case WorldCategory.Single:
                case WorldCategory.Colors:
                    said = new WorldPrompt("single", true, category == WorldCategory.Colors);
                    objects = [(c, s, null, null)];
                    break;
                case WorldCategory.Position:
                    {
                        var cell = g.Positions[rng.Next(9)];
                        said = new WorldPrompt("single", true, true) { Cells = [cell] };
                        objects = [(c, s, null, cell)];
                        break;
                    }
                case WorldCategory.Counting:
                    {
                        int n = 1 + index % 4;
                        said = n == 1 ? new WorldPrompt("single", true, true) { OneWord = true } : new WorldPrompt("count", true, true) { Count = n };
                        objects = Enumerable.Range(0, n).Select(_ => (c, s, (string?)null, (string?)null)).ToList();
                        break;
                    }
                case WorldCategory.TwoObjects:
                case WorldCategory.ColorAttribution:
                case WorldCategory.RelativePosition:
                    {
                        string oc, os;
                        do
                        {
                            oc = g.Colors[rng.Next(g.Colors.Count)];
                            os = g.Shapes[rng.Next(g.Shapes.Count)];
                        } while (oc == b || oc == c || os == s);
                        var pair = rng.NextDouble() < 0.5
                            ? new[] { (c, s), (oc, os) } : new[] { (oc, os), (c, s) };
                        bool relation = category == WorldCategory.RelativePosition;
                        said = new WorldPrompt(relation ? "relation" : "pair", true, category != WorldCategory.TwoObjects)
                        { Count = 2, Relation = relation ? g.Relations.Keys.ElementAt(index % 4) : null };
                        objects = pair.Select(p => (p.Item1, p.Item2, (string?)null, (string?)null)).ToList();
                        break;
                    }
                default:
                    throw new ArgumentException($"unknown category '{category}'", nameof(category));
            }
            var placed = Place(objects, width, height, said.Relation, rng);
            if (placed is not null) return WithLook(new WorldScene(width, height, b, placed, said), rng);
            if (attempt > 200) throw new InvalidOperationException($"cannot place {category} #{index} on {width}x{height}");
        }
    }

    /// <summary>Centres, radii and rotations for the objects, non-overlapping, each inside the canvas (and its said
    /// cell), satisfying the relation of object 0 to object 1 if one is given; null when this draw did not fit.</summary>
    public List<WorldObject>? Place(IReadOnlyList<(string Color, string Shape, string? Size, string? Cell)> objects,
        int width, int height, string? relation, Random rng, int tries = 60)
    {
        double m = Math.Min(width, height), gap = g.ObjectGap * m;
        for (int t = 0; t < tries; t++)
        {
            var placed = new List<(WorldObject O, double Ext)>();
            foreach (var (color, shapeName, size, cell) in objects)
            {
                var shape = g.Shape(shapeName);
                var (lo, hi) = size is not null ? g.Radius[size] : g.Radius[objects.Count == 1 ? "unsaid_one" : "unsaid_many"];
                lo = Math.Max(lo, g.MinRadiusPixels / m);
                if (cell is not null) hi = Math.Min(hi, 0.16);
                WorldObject? found = null;
                double foundExt = 0;
                for (int k = 0; k < 30 && found is null; k++)
                {
                    double r = lo + rng.NextDouble() * (hi - lo), ext = shape.Extent * r * m;
                    double x0 = ext + 0.5, x1 = width - ext - 0.5, y0 = ext + 0.5, y1 = height - ext - 0.5;
                    if (cell is not null)
                    {
                        var (col, row) = g.Cell(cell);
                        double mg = g.PositionMargin;
                        x0 = Math.Max(x0, width * (col + mg) / 3); x1 = Math.Min(x1, width * (col + 1 - mg) / 3);
                        y0 = Math.Max(y0, height * (row + mg) / 3); y1 = Math.Min(y1, height * (row + 1 - mg) / 3);
                    }
                    if (x0 >= x1 || y0 >= y1) continue;
                    double x = x0 + rng.NextDouble() * (x1 - x0), y = y0 + rng.NextDouble() * (y1 - y0);
                    if (placed.All(p => Math.Sqrt(Sq(x - p.O.X * width) + Sq(y - p.O.Y * height)) >= ext + p.Ext + gap))
                    {
                        double rot = shape.Rotates ? (2 * rng.NextDouble() - 1) * g.RotationMaxDegrees * Math.PI / 180 : 0;
                        found = new WorldObject(color, shapeName, x / width, y / height, r, rot);
                        foundExt = ext;
                    }
                }
                if (found is null) break;
                placed.Add((found, foundExt));
            }
            if (placed.Count < objects.Count) continue;
            if (relation is not null && !RelationHolds(relation, placed[0].O, placed[1].O, g.RelationMinOffset, g.RelationMaxCrossRatio))
                continue;
            return placed.Select(p => p.O).ToList();
        }
        return null;
    }

    /// <summary>a rel b, e.g. a "left of" b: b.X - a.X ≥ minOffset and the offset across is ≤ ratio × that (canvas fractions).</summary>
    public bool RelationHolds(string relation, WorldObject a, WorldObject b, double minOffset, double maxCrossRatio) =>
        RelationHolds(relation, (a.X, a.Y), (b.X, b.Y), minOffset, maxCrossRatio);

    public bool RelationHolds(string relation, (double X, double Y) a, (double X, double Y) b, double minOffset, double maxCrossRatio) =>
        g.Relations[relation].Holds(a, b, minOffset, maxCrossRatio);

    /// <summary>Random appearance: background style and tones, per-object shade, style and light direction, noise.</summary>
    public WorldScene WithLook(WorldScene scene, Random rng)
    {
        var ap = g.Appearance;
        double tone = ap.BackgroundTone;
        var objects = scene.Objects.Select(o => o with
        {
            Shade = ap.Shade.Min + rng.NextDouble() * (ap.Shade.Max - ap.Shade.Min),
            Style = Weighted(ap.ObjectStyles, rng),
            LightAngle = rng.NextDouble() * 2 * Math.PI,
        }).ToList();
        return scene with
        {
            Objects = objects,
            BackgroundStyle = Weighted(ap.BackgroundStyles, rng),
            BackgroundTones = ((2 * rng.NextDouble() - 1) * tone, (2 * rng.NextDouble() - 1) * tone),
            BackgroundAngle = rng.NextDouble() * 2 * Math.PI,
            BackgroundOffset = (2 * rng.NextDouble() - 1) * 0.3,
            NoiseSigma = ap.NoiseSigma.Min + rng.NextDouble() * (ap.NoiseSigma.Max - ap.NoiseSigma.Min),
            NoiseSeed = rng.Next(),
        };
    }

    /// <summary>A caption that says exactly what <see cref="WorldScene.Said"/> says; evalPhrasing picks the held-out templates.</summary>
    public string Caption(WorldScene scene, Random rng, bool evalPhrasing = false)
    {
        var said = scene.Said;
        var o = scene.Objects;
        string text;
        switch (said.Kind)
        {
            case "single":
                text = ObjectPhrase(o[0], said.ColorSaid, said.Size, said.OneWord);
                if (said.Cells.Count > 0 && said.Cells[0] is { } cell) text += " " + Pick(g.PositionPhrases[cell], rng);
                break;
            case "count":
                text = $"{Pick(g.CountWords[said.Count], rng)} " + (said.Size is null ? "" : Pick(g.SizePhrases[said.Size], rng) + " ")
                    + (said.ColorSaid ? o[0].Color + " " : "") + g.Plurals[o[0].Shape];
                break;
            default:
                {
                    string a = ObjectPhrase(o[0], said.ColorSaid, null, false), b = ObjectPhrase(o[1], said.ColorSaid, null, false);
                    if (said.Kind == "pair")
                    {
                        if (said.Cells.Count == 2 && said.Cells[0] is { } c0 && said.Cells[1] is { } c1)
                        {
                            a += " " + Pick(g.PositionPhrases[c0], rng);
                            b += " " + Pick(g.PositionPhrases[c1], rng);
                        }
                        text = Pick(g.PairJoins, rng).Replace("{a}", a).Replace("{b}", b);
                    }
                    else
                    {
                        var rel = Pick(g.Relations[said.Relation!].Phrases, rng);
                        text = Pick(g.RelationJoins, rng).Replace("{a}", a).Replace("{rel}", rel).Replace("{b}", b);
                    }
                    break;
                }
        }
        string template = said.BackgroundSaid
            ? Pick(evalPhrasing ? g.EvalSceneTemplates : g.SceneTemplates, rng)
            : Pick(evalPhrasing ? g.EvalSceneTemplatesNoBackground : g.SceneTemplatesNoBackground, rng);
        // "on a {bg} background" with orange reads "on an orange background", as training's captions do (world.py).
        template = ArticleBeforeBackground().Replace(template, m => IndefiniteArticle.For(scene.Background, m.Groups[1].Value) + " ");
        var caption = template.Replace("{objects}", text).Replace("{bg}", scene.Background);
        return string.Join(' ', caption.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    private string ObjectPhrase(WorldObject o, bool colorSaid, string? size, bool oneWord)
    {
        string sizeWord = size is null ? "" : g.SizePhrases[size][0] + " ";
        string color = colorSaid ? o.Color + " " : "";
        string first = sizeWord + color + o.Shape;
        string article = oneWord ? "one" : IndefiniteArticle.For(first);
        return $"{article} {first}";
    }

    private static T Pick<T>(IReadOnlyList<T> items, Random rng) => items[rng.Next(items.Count)];

    [GeneratedRegex(@"\b([Aa])n? (?=\{bg\})")]
    private static partial Regex ArticleBeforeBackground();

    private static string Weighted(IReadOnlyDictionary<string, double> weights, Random rng)
    {
        double u = rng.NextDouble() * weights.Values.Sum();
        foreach (var (k, w) in weights)
        {
            if (u < w) return k;
            u -= w;
        }
        return weights.Keys.Last();
    }

    private static double Sq(double v) => v * v;
}
