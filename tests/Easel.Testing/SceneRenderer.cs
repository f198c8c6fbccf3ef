using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Testing;

/// <summary>
/// Ground-truth renderer: draws a scene exactly as the trainer does (hard edges, pixel centres at x + 0.5,
/// later objects over earlier ones), so a rendered scene is the image the model is taught to produce.
/// </summary>
public static class SceneRenderer
{
    public static Image<Rgb24> Render(SceneGrammar g, Scene s, int size = 64)
    {
        var image = new Image<Rgb24>(size, size, ToPixel(g.Rgb(s.Background)));
        foreach (var o in s.Objects)
        {
            var (fx, fy) = g.PositionCentre(o.Position);
            double cx = fx * size, cy = fy * size, r = g.SizeRadius(o.Size) * size;
            var spec = g.ShapeSpecOf(o.Shape);
            var colour = ToPixel(g.Rgb(o.Color));
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                    if (Contains(spec, x + 0.5 - cx, y + 0.5 - cy, r))
                        image[x, y] = colour;
        }
        return image;
    }

    /// <summary>Whether the offset (dx, dy) from an object's centre lies inside a shape of radius r.</summary>
    public static bool Contains(ShapeSpec spec, double dx, double dy, double r)
    {
        double d2 = dx * dx + dy * dy;
        switch (spec.Kind)
        {
            case ShapeSpec.Disk:
                return d2 <= r * r;
            case ShapeSpec.Square:
                double h = spec.Parameter * r;
                return Math.Abs(dx) <= h && Math.Abs(dy) <= h;
            case ShapeSpec.Triangle:
                // Upward equilateral triangle with centroid at the centre and circumradius R: the base is the line
                // dy = R/2 and the two slanted edges are sqrt(3)*|dx| = dy + R (edges count as inside).
                double big = spec.Parameter * r;
                return dy <= big / 2 && Math.Sqrt(3) * Math.Abs(dx) <= dy + big;
            case ShapeSpec.Ring:
                double inner = spec.Parameter * r;
                return d2 > inner * inner && d2 <= r * r;
            default:
                throw new ArgumentException($"Unknown shape kind '{spec.Kind}'.", nameof(spec));
        }
    }

    internal static Rgb24 ToPixel((byte R, byte G, byte B) c) => new(c.R, c.G, c.B);
}
