using Easel.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Engine.Tests.Judge;

public class SceneRendererTests
{
    private static readonly SceneGrammar G = JudgeTestData.Grammar;

    [Theory]
    [InlineData(64, 0.10)]
    [InlineData(256, 0.02)]
    public void ShapesHaveTheirGeometricAreaAndCentre(int size, double tolerance)
    {
        foreach (var shape in G.Shapes)
            foreach (var sz in G.Sizes)
                foreach (var position in G.Positions)
                {
                    var scene = new Scene("black", [new SceneObject("white", shape, sz, position)]);
                    using var image = SceneRenderer.Render(G, scene, size);
                    var pixels = ObjectPixels(image, G.Colors["white"]);

                    double expected = IdealArea(shape, G.SizeRadius(sz) * size);
                    Assert.InRange(pixels.Count, expected * (1 - tolerance), expected * (1 + tolerance));
                    // For every shape (the triangle included) the pixel centroid is the object centre.
                    var (fx, fy) = G.PositionCentre(position);
                    Assert.InRange(pixels.Average(p => p.X + 0.5) - fx * size, -0.6, 0.6);
                    Assert.InRange(pixels.Average(p => p.Y + 0.5) - fy * size, -0.6, 0.6);
                }
    }

    [Fact]
    public void TrianglePointsUpAndRingHasAHole()
    {
        using var triangle = SceneRenderer.Render(G, new Scene("blue", [new SceneObject("red", "triangle", "large", "centre")]), 64);
        var rows = ObjectPixels(triangle, G.Colors["red"]).GroupBy(p => p.Y).OrderBy(g => g.Key).Select(g => g.Count()).ToList();
        Assert.True(rows[0] <= 2, "apex row should be a point");
        Assert.True(rows[^1] > 20, "base row should be wide");
        Assert.True(rows.Zip(rows.Skip(1)).All(r => r.Second >= r.First), "rows widen towards the base");

        using var ring = SceneRenderer.Render(G, new Scene("blue", [new SceneObject("red", "ring", "large", "centre")]), 64);
        Assert.Equal(Pixel(G.Colors["blue"]), ring[32, 32]);
        Assert.Equal(Pixel(G.Colors["red"]), ring[32 + 9, 32]); // between inner (6.7 px) and outer (12.2 px) radius
    }

    [Fact]
    public void LaterObjectsPaintOverEarlierOnes()
    {
        var scene = new Scene("black", [new SceneObject("red", "circle", "large", "centre"), new SceneObject("blue", "square", "small", "centre")]);
        using var image = SceneRenderer.Render(G, scene, 64);
        Assert.Equal(Pixel(G.Colors["blue"]), image[32, 32]);
        Assert.Equal(Pixel(G.Colors["red"]), image[32, 32 + 10]);
        Assert.Equal(Pixel(G.Colors["black"]), image[0, 0]);
    }

    [Fact]
    public void ObjectsStayClearOfTheBorderSoItShowsTheBackground()
    {
        foreach (var scene in JudgeTestData.AllSingleObjectScenes().Concat(JudgeTestData.TwoObjectScenes(300, seed: 21)))
        {
            using var image = SceneRenderer.Render(G, scene, 64);
            var bg = Pixel(G.Colors[scene.Background]);
            for (int i = 0; i < 64; i++)
                Assert.True(image[i, 0] == bg && image[i, 63] == bg && image[0, i] == bg && image[63, i] == bg, scene.ToString());
        }
    }

    private static double IdealArea(string shape, double r)
    {
        var spec = G.ShapeSpecOf(shape);
        return spec.Kind switch
        {
            ShapeSpec.Disk => Math.PI * r * r,
            ShapeSpec.Square => Math.Pow(2 * spec.Parameter * r, 2),
            ShapeSpec.Triangle => 3 * Math.Sqrt(3) / 4 * Math.Pow(spec.Parameter * r, 2),
            ShapeSpec.Ring => Math.PI * r * r * (1 - spec.Parameter * spec.Parameter),
            _ => throw new InvalidOperationException(spec.Kind),
        };
    }

    private static List<(int X, int Y)> ObjectPixels(Image<Rgb24> image, (byte R, byte G, byte B) colour)
    {
        var result = new List<(int, int)>();
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
                if (image[x, y] == Pixel(colour)) result.Add((x, y));
        return result;
    }

    private static Rgb24 Pixel((byte R, byte G, byte B) c) => new(c.R, c.G, c.B);
}
