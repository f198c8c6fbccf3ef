namespace Easel.Testing;

// Deterministic prompt sets. System.Random with a seed is a fixed algorithm, so a seed always yields the same list.
public sealed partial class SceneGrammar
{
    /// <summary>Two objects' centres must be at least this far apart (position-fraction units) so they never touch.</summary>
    public const double MinTwoObjectSeparation = 0.3;

    /// <summary>
    /// Single-object evaluation prompts built only from held-out triples. Every (triple, template, size, position)
    /// combination the templates allow is listed, shuffled by seed and taken in order (cycling when count exceeds it).
    /// </summary>
    public IReadOnlyList<CaptionedScene> HeldOutSingleObject(int count, int seed)
    {
        var rng = new Random(seed);
        var combos = new List<(Scene Scene, string Template)>();
        foreach (var (color, shape, bg) in HeldOutTriples)
            foreach (var template in TemplatesOne)
                foreach (var size in template.Contains("{size}") ? Sizes : [DefaultSize])
                    foreach (var position in template.Contains("{position}") ? Positions : [DefaultPosition])
                        combos.Add((new Scene(bg, [new SceneObject(color, shape, size, position)]), template));

        var result = new List<CaptionedScene>(count);
        while (result.Count < count)
        {
            Shuffle(combos, rng);
            foreach (var (scene, template) in combos.Take(count - result.Count))
                result.Add(new CaptionedScene(FormatCaption(scene, template, rng), scene));
        }
        return result;
    }

    /// <summary>Training-style scenes: random background, objects, template and phrases.</summary>
    public IReadOnlyList<CaptionedScene> RandomScenes(int count, int seed, bool twoObjects, bool excludeHeldOut = true)
    {
        var rng = new Random(seed);
        var result = new List<CaptionedScene>(count);
        while (result.Count < count)
        {
            var (scene, template) = twoObjects ? RandomTwoObjectScene(rng) : RandomSingleObjectScene(rng);
            if (excludeHeldOut && ContainsHeldOut(scene)) continue;
            result.Add(new CaptionedScene(FormatCaption(scene, template, rng), scene));
        }
        return result;
    }

    private (Scene, string) RandomSingleObjectScene(Random rng)
    {
        var bg = Pick(ColorNames, rng);
        var template = Pick(TemplatesOne, rng);
        var obj = new SceneObject(
            RandomObjectColor(bg, rng),
            Pick(Shapes, rng),
            template.Contains("{size}") ? Pick(Sizes, rng) : DefaultSize,
            template.Contains("{position}") ? Pick(Positions, rng) : DefaultPosition);
        return (new Scene(bg, [obj]), template);
    }

    private (Scene, string) RandomTwoObjectScene(Random rng)
    {
        var bg = Pick(ColorNames, rng);
        var template = Pick(TemplatesTwo, rng);
        string first = Pick(Positions, rng), second;
        do second = Pick(Positions, rng); while (PositionDistance(first, second) < MinTwoObjectSeparation - 1e-9);
        var objects = new[] { first, second }
            .Select(p => new SceneObject(RandomObjectColor(bg, rng), Pick(Shapes, rng), TwoObjectSize, p))
            .ToList();
        return (new Scene(bg, objects), template);
    }

    private string RandomObjectColor(string background, Random rng)
    {
        string color;
        do color = Pick(ColorNames, rng); while (color == background);
        return color;
    }

    private double PositionDistance(string a, string b)
    {
        var (ax, ay) = _positionCentres[a];
        var (bx, by) = _positionCentres[b];
        return Math.Sqrt((ax - bx) * (ax - bx) + (ay - by) * (ay - by));
    }

    private static void Shuffle<T>(List<T> items, Random rng)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
