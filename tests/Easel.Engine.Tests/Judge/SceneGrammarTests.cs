using System.Text.Json;
using Easel.Testing;

namespace Easel.Engine.Tests.Judge;

public class SceneGrammarTests
{
    private static readonly SceneGrammar G = JudgeTestData.Grammar;

    [Fact]
    public void LoadsTheFileTheTrainerUses()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, SceneGrammar.FileName)));
        var root = doc.RootElement;
        Assert.Equal(root.GetProperty("colors").EnumerateObject().Count(), G.Colors.Count);
        foreach (var c in root.GetProperty("colors").EnumerateObject())
        {
            var rgb = c.Value.EnumerateArray().Select(v => (byte)v.GetInt32()).ToArray();
            Assert.Equal((rgb[0], rgb[1], rgb[2]), G.Colors[c.Name]);
        }
        Assert.Equal(root.GetProperty("shapes").EnumerateObject().Select(s => s.Name), G.Shapes);
        Assert.Equal(root.GetProperty("positions").EnumerateObject().Select(s => s.Name), G.Positions);
        Assert.Equal(root.GetProperty("sizes").EnumerateObject().Select(s => s.Name), G.Sizes);
        Assert.Equal(root.GetProperty("holdout").GetProperty("triples").GetArrayLength(), G.HeldOutTriples.Count);
    }

    [Fact]
    public void HeldOutIsExactlyTheListedTriples()
    {
        foreach (var (color, shape, bg) in G.HeldOutTriples)
        {
            Assert.True(G.IsHeldOut(color, shape, bg));
            Assert.False(G.IsHeldOut(bg, shape, color)); // order matters: object colour first, background last
        }
        int heldOut = (from c in G.ColorNames from s in G.Shapes from b in G.ColorNames where G.IsHeldOut(c, s, b) select 1).Count();
        Assert.Equal(G.HeldOutTriples.Count, heldOut);
    }

    [Fact]
    public void ParsesEveryCaptionTheTemplatesCanProduce()
    {
        int checkedCount = 0;
        foreach (var (caption, expected) in AllTemplateCaptions())
        {
            Assert.Equal(expected, G.ParseCaption(caption));
            checkedCount++;
        }
        Assert.True(checkedCount > 5000, $"only {checkedCount} captions enumerated");
    }

    [Fact]
    public void GeneratedSetsRoundTripThroughTheirCaptions()
    {
        var sets = G.HeldOutSingleObject(1000, seed: 1)
            .Concat(G.RandomScenes(1000, seed: 2, twoObjects: false))
            .Concat(G.RandomScenes(1000, seed: 3, twoObjects: true))
            .Concat(G.RandomScenes(500, seed: 4, twoObjects: false, excludeHeldOut: false));
        foreach (var c in sets) Assert.Equal(c.Scene, G.ParseCaption(c.Caption));
    }

    [Fact]
    public void UnsaidSizeAndPositionTakeTheDefaults()
    {
        Assert.Equal(new Scene("blue", [new SceneObject("red", "circle", G.DefaultSize, G.DefaultPosition)]),
            G.ParseCaption("a red circle on a blue background"));
        Assert.Equal(new Scene("green", [new SceneObject("white", "ring", "small", G.DefaultPosition)]),
            G.ParseCaption("  A tiny White ring on a   green background. "));
    }

    [Theory]
    [InlineData("a photo of a cat")]
    [InlineData("a red hexagon in the middle on a blue background")]
    [InlineData("a red circle on a red background")]
    [InlineData("a red circle in the centre on a blue background and more")]
    [InlineData("")]
    public void RejectsCaptionsOutsideTheGrammar(string caption) => Assert.Null(G.ParseCaption(caption));

    [Fact]
    public void HeldOutSetsUseOnlyHeldOutTriplesAndAreDeterministic()
    {
        var a = G.HeldOutSingleObject(1000, seed: 5);
        Assert.Equal(1000, a.Count);
        Assert.All(a, c =>
        {
            var o = Assert.Single(c.Scene.Objects);
            Assert.True(G.IsHeldOut(o.Color, o.Shape, c.Scene.Background), c.Caption);
        });
        Assert.Equal(a, G.HeldOutSingleObject(1000, seed: 5));
        Assert.NotEqual(a, G.HeldOutSingleObject(1000, seed: 6));

        // The set covers the whole held-out space, not a corner of it.
        var objects = a.Select(c => c.Scene.Objects[0]).ToList();
        Assert.Equal(G.HeldOutTriples.Count, a.Select(c => (c.Scene.Objects[0].Color, c.Scene.Objects[0].Shape, c.Scene.Background)).Distinct().Count());
        Assert.Equal(G.Positions.Count, objects.Select(o => o.Position).Distinct().Count());
        Assert.Equal(G.Sizes.Count, objects.Select(o => o.Size).Distinct().Count());
    }

    [Fact]
    public void TrainingStyleScenesNeverContainHeldOutTriples()
    {
        foreach (bool two in new[] { false, true })
        {
            var scenes = G.RandomScenes(5000, seed: 7, twoObjects: two);
            Assert.DoesNotContain(scenes, c => G.ContainsHeldOut(c.Scene));
            Assert.Equal(scenes, G.RandomScenes(5000, seed: 7, twoObjects: two));
            // Without the filter held-out triples do occur, so the filter is doing the work.
            Assert.Contains(G.RandomScenes(5000, seed: 7, twoObjects: two, excludeHeldOut: false), c => G.ContainsHeldOut(c.Scene));
        }
    }

    [Fact]
    public void RandomScenesFollowTheGrammarRules()
    {
        foreach (var c in G.RandomScenes(2000, seed: 8, twoObjects: false))
        {
            var o = Assert.Single(c.Scene.Objects);
            Assert.NotEqual(c.Scene.Background, o.Color);
        }
        foreach (var c in G.RandomScenes(2000, seed: 9, twoObjects: true))
        {
            Assert.Equal(2, c.Scene.Objects.Count);
            Assert.All(c.Scene.Objects, o => Assert.Equal(G.TwoObjectSize, o.Size));
            Assert.All(c.Scene.Objects, o => Assert.NotEqual(c.Scene.Background, o.Color));
            var (ax, ay) = G.PositionCentre(c.Scene.Objects[0].Position);
            var (bx, by) = G.PositionCentre(c.Scene.Objects[1].Position);
            Assert.True(Math.Sqrt((ax - bx) * (ax - bx) + (ay - by) * (ay - by)) >= 0.3 - 1e-9, c.Caption);
        }
    }

    // Independent of SceneGrammar.FormatCaption: fill every template with every phrase (and every colour/shape
    // pair for the one-object templates), cycling the other slots.
    private static IEnumerable<(string Caption, Scene Scene)> AllTemplateCaptions()
    {
        var pairs = (from bg in G.ColorNames from c in G.ColorNames where c != bg from s in G.Shapes select (c, s, bg)).ToList();
        var sizePhrases = G.SizePhrases.SelectMany(p => p.Value.Select(v => (Size: p.Key, Phrase: v))).ToList();
        var positionPhrases = G.PositionPhrases.SelectMany(p => p.Value.Select(v => (Position: p.Key, Phrase: v))).ToList();
        int k = 0;
        foreach (var t in G.TemplatesOne)
        {
            var sizes = t.Contains("{size}") ? sizePhrases : [(G.DefaultSize, "")];
            var positions = t.Contains("{position}") ? positionPhrases : [(G.DefaultPosition, "")];
            foreach (var (size, sizePhrase) in sizes)
                foreach (var (position, positionPhrase) in positions)
                    foreach (var (color, shape, bg) in pairs.Skip(k++ % 8).Take(pairs.Count / 8 + 1))
                        yield return (t.Replace("{size}", sizePhrase).Replace("{color}", color).Replace("{shape}", shape)
                                .Replace("{position}", positionPhrase).Replace("{bg}", bg),
                            new Scene(bg, [new SceneObject(color, shape, size, position)]));
        }
        foreach (var t in G.TemplatesTwo)
            foreach (var (p1, phrase1) in positionPhrases)
                foreach (var (p2, phrase2) in positionPhrases)
                {
                    var (a, b) = (pairs[k++ % pairs.Count], pairs[(k * 7) % pairs.Count]);
                    if (b.c == a.bg) continue;
                    yield return (t.Replace("{color1}", a.c).Replace("{shape1}", a.s).Replace("{position1}", phrase1)
                            .Replace("{color2}", b.c).Replace("{shape2}", b.s).Replace("{position2}", phrase2).Replace("{bg}", a.bg),
                        new Scene(a.bg, [new SceneObject(a.c, a.s, G.TwoObjectSize, p1), new SceneObject(b.c, b.s, G.TwoObjectSize, p2)]));
                }
    }
}
