using Easel.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Engine.Tests.Judge;

/// <summary>Judge behaviour beyond the grammar's own renders: empty images, specks, tilted shapes, other sizes.</summary>
public class SceneJudgeTests
{
    private static readonly SceneGrammar G = JudgeTestData.Grammar;
    private readonly SceneJudge _judge = new(G);

    [Fact]
    public void EmptyImageHasOnlyABackground()
    {
        using var image = new Image<Rgb24>(64, 64, Pixel("green"));
        var j = _judge.Judge(image);
        Assert.Equal("green", j.Background);
        Assert.Empty(j.Objects);
    }

    [Fact]
    public void SpecksAreNotObjects()
    {
        using var image = new Image<Rgb24>(64, 64, Pixel("white"));
        foreach (var (x, y) in new[] { (5, 5), (40, 12), (20, 50), (55, 55) })
            for (int dy = 0; dy < 2; dy++)
                for (int dx = 0; dx < 2; dx++)
                    image[x + dx, y + dy] = Pixel("black");
        Assert.Empty(_judge.Judge(image).Objects);

        // The same image with one real object: the object is found and the specks still are not.
        Draw(image, 32, 32, (dx, dy) => dx * dx + dy * dy <= 49, "red");
        var found = Assert.Single(_judge.Judge(image).Objects);
        Assert.Equal(("red", "circle", "centre"), (found.Color, found.Shape, found.Position));
    }

    [Theory]
    [InlineData(15)]
    [InlineData(30)]
    [InlineData(45)]
    public void TiltedSquareIsStillASquare(double degrees)
    {
        double a = degrees * Math.PI / 180, c = Math.Cos(a), s = Math.Sin(a);
        using var image = new Image<Rgb24>(64, 64, Pixel("yellow"));
        Draw(image, 32, 32, (dx, dy) => Math.Abs(c * dx - s * dy) <= 9 && Math.Abs(s * dx + c * dy) <= 9, "blue");
        Assert.Equal("square", Assert.Single(_judge.Judge(image).Objects).Shape);
    }

    [Fact]
    public void DownwardTriangleIsATriangle()
    {
        using var image = new Image<Rgb24>(64, 64, Pixel("black"));
        const double R = 13;
        Draw(image, 32, 32, (dx, dy) => -dy <= R / 2 && Math.Sqrt(3) * Math.Abs(dx) <= -dy + R, "orange");
        Assert.Equal("triangle", Assert.Single(_judge.Judge(image).Objects).Shape);
    }

    [Fact]
    public void PositionsAreRelativeToANonSquareImage()
    {
        using var image = new Image<Rgb24>(120, 60, Pixel("purple"));
        Draw(image, 0.75 * 120, 0.25 * 60, (dx, dy) => dx * dx + dy * dy <= 36, "white");
        Draw(image, 0.25 * 120, 0.75 * 60, (dx, dy) => Math.Abs(dx) <= 6 && Math.Abs(dy) <= 6, "green");
        var j = _judge.Judge(image);
        Assert.Equal(2, j.Objects.Count);
        Assert.Contains(j.Objects, o => o is { Color: "white", Shape: "circle", Position: "top right" });
        Assert.Contains(j.Objects, o => o is { Color: "green", Shape: "square", Position: "bottom left" });
        var white = j.Objects.Single(o => o.Color == "white");
        Assert.InRange(white.CentroidX, 0.74, 0.76);
        Assert.InRange(white.CentroidY, 0.24, 0.26);
    }

    [Fact]
    public void ObjectsAreListedLargestFirstWithTheirSize()
    {
        var scene = new Scene("black", [new SceneObject("red", "circle", "small", "top left"), new SceneObject("blue", "square", "large", "bottom right")]);
        using var image = SceneRenderer.Render(G, scene);
        var j = _judge.Judge(image);
        Assert.Equal(["blue", "red"], j.Objects.Select(o => o.Color));
        Assert.Equal(["large", "small"], j.Objects.Select(o => o.Size));
        Assert.True(j.Objects[0].Area > j.Objects[1].Area);
    }

    [Fact]
    public void JudgementRejectsScenesThatDifferInAnyOneAttribute()
    {
        var truth = new Scene("white", [new SceneObject("red", "triangle", "large", "top left")]);
        using var image = SceneRenderer.Render(G, truth);
        var j = _judge.Judge(image);
        Assert.True(j.Matches(truth, includeSize: true));

        SceneObject o = truth.Objects[0];
        Assert.False(j.Matches(truth with { Background = "black" }));
        Assert.False(j.Matches(truth with { Objects = [o with { Color = "blue" }] }));
        Assert.False(j.Matches(truth with { Objects = [o with { Shape = "square" }] }));
        Assert.False(j.Matches(truth with { Objects = [o with { Position = "bottom right" }] }));
        Assert.False(j.Matches(truth with { Objects = [o with { Size = "small" }] }, includeSize: true));
        Assert.False(j.Matches(truth with { Objects = [o, o with { Position = "bottom right" }] }));

        // Each attribute check only looks at its own attribute.
        var wrongColour = truth with { Objects = [o with { Color = "blue" }] };
        Assert.False(j.ColorsMatch(wrongColour));
        Assert.True(j.ShapesMatch(wrongColour) && j.PositionsMatch(wrongColour) && j.BackgroundMatches(wrongColour));
    }

    [Fact]
    public void TwoObjectMatchingIgnoresOrderButNeedsOneConsistentPairing()
    {
        var truth = new Scene("black", [new SceneObject("red", "circle", "small", "top left"), new SceneObject("blue", "square", "small", "bottom right")]);
        using var image = SceneRenderer.Render(G, truth);
        var j = _judge.Judge(image);
        Assert.True(j.Matches(truth with { Objects = [truth.Objects[1], truth.Objects[0]] }));

        // Colours and shapes are each right as sets, but no object is a red square.
        var crossed = truth with { Objects = [truth.Objects[0] with { Shape = "square" }, truth.Objects[1] with { Shape = "circle" }] };
        Assert.True(j.ColorsMatch(crossed) && j.ShapesMatch(crossed) && j.PositionsMatch(crossed));
        Assert.False(j.Matches(crossed));
    }

    private static Rgb24 Pixel(string colour)
    {
        var (r, g, b) = G.Colors[colour];
        return new Rgb24(r, g, b);
    }

    private static void Draw(Image<Rgb24> image, double cx, double cy, Func<double, double, bool> inside, string colour)
    {
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
                if (inside(x + 0.5 - cx, y + 0.5 - cy)) image[x, y] = Pixel(colour);
    }
}
