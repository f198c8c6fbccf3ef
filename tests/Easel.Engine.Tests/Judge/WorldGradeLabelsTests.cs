using Easel.Engine.Datasets;
using Easel.Engine.World;

namespace Easel.Engine.Tests.Judge;

/// <summary>Grading a judgement against a grammar data set's labels: every said attribute counts, unsaid ones do not.</summary>
public sealed class WorldGradeLabelsTests
{
    private static readonly WorldGrammar G = WorldGrammar.Load();

    private static WorldJudgement Saw(string background, params WorldJudgedObject[] objects) => new(background, objects);

    private static readonly WorldJudgedObject RedCircleTopLeft = new("red", "circle", 0.2, 0.2, 300);
    private static readonly WorldJudgedObject BlueSquareBottomRight = new("blue", "square", 0.8, 0.8, 200);

    [Fact]
    public void SaidShapeColourAndBackgroundPass()
    {
        var labels = new SceneLabels([new SceneObjectLabel("circle", "red", null, null)], "white");
        Assert.True(WorldGrade.Passes(G, labels, Saw("white", RedCircleTopLeft)));
    }

    [Theory]
    [InlineData("square", "red", null, "white")]
    [InlineData("circle", "blue", null, "white")]
    [InlineData("circle", "red", "bottom right", "white")]
    [InlineData("circle", "red", null, "black")]
    public void AnyMissedAttributeFails(string shape, string color, string? position, string background)
    {
        var labels = new SceneLabels([new SceneObjectLabel(shape, color, null, position)], background);
        Assert.False(WorldGrade.Passes(G, labels, Saw("white", RedCircleTopLeft)));
    }

    [Fact]
    public void TwoObjectsMatchInEitherOrderButNotWithAnExtraOne()
    {
        var labels = new SceneLabels(
            [new SceneObjectLabel("square", "blue", null, "bottom right"), new SceneObjectLabel("circle", null, null, "top left")], null);
        Assert.True(WorldGrade.Passes(G, labels, Saw("black", RedCircleTopLeft, BlueSquareBottomRight)));
        Assert.False(WorldGrade.Passes(G, labels, Saw("black", RedCircleTopLeft)));
        Assert.False(WorldGrade.Passes(G, labels, Saw("black", RedCircleTopLeft, BlueSquareBottomRight, RedCircleTopLeft with { X = 0.5 })));
        // Both labels may not claim the same judged object.
        var twoCircles = new SceneLabels([new SceneObjectLabel("circle", null, null, null), new SceneObjectLabel("circle", null, null, null)], null);
        Assert.False(WorldGrade.Passes(G, twoCircles, Saw("black", RedCircleTopLeft, BlueSquareBottomRight)));
    }
}
