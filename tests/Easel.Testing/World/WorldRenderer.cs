using Easel.Engine.World;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Testing.World;

/// <summary>Ground-truth renderer of world scenes, the rules of models/training/world.py's render_scene: toned
/// background (flat, gradients, two-tone), hard-edged objects at pixel centres with shade, shading or outline, noise.</summary>
public static class WorldRenderer
{
    // Every tone stays in here, so each pixel keeps the nearest palette colour of what it depicts (as world.py).
    private const double ToneMin = -0.17, ToneMax = 0.22;

    public static Image<Rgb24> Render(WorldGrammar g, WorldScene s)
    {
        int w = s.Width, h = s.Height;
        var rgb = new double[h, w, 3];
        var bg = g.Rgb(s.Background);
        var (t0, t1) = s.BackgroundTones;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double fx = (x + 0.5) / w, fy = (y + 0.5) / h;
                double tone = s.BackgroundStyle switch
                {
                    "flat" => t0,
                    "vertical_gradient" => t0 + (t1 - t0) * fy,
                    "horizontal_gradient" => t0 + (t1 - t0) * fx,
                    "diagonal_gradient" => t0 + (t1 - t0) * (fx + fy) / 2,
                    _ => (fx - 0.5) * Math.Cos(s.BackgroundAngle) + (fy - 0.5) * Math.Sin(s.BackgroundAngle) > s.BackgroundOffset ? t1 : t0,
                };
                Set(rgb, x, y, bg, tone);
            }
        var ap = g.Appearance;
        foreach (var o in s.Objects)
        {
            var mask = Mask(g, o, w, h);
            var colour = g.Rgb(o.Color);
            double r = o.Radius * Math.Min(w, h);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    if (!mask[y, x]) continue;
                    double tone = o.Shade;
                    if (o.Style == "shaded")
                    {
                        double proj = ((x + 0.5 - o.X * w) * Math.Cos(o.LightAngle) + (y + 0.5 - o.Y * h) * Math.Sin(o.LightAngle)) / r;
                        tone += ap.ObjectLight * Math.Clamp(proj, -1, 1);
                    }
                    else if (o.Style == "outlined" && IsEdge(mask, x, y, w, h))
                        tone -= ap.OutlineDarken;
                    Set(rgb, x, y, colour, tone);
                }
        }
        var noise = new Random(s.NoiseSeed);
        var image = new Image<Rgb24>(w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                byte C(int c) => (byte)Math.Clamp(Math.Round(rgb[y, x, c] + (s.NoiseSigma > 0 ? s.NoiseSigma * Gaussian(noise) : 0)), 0, 255);
                image[x, y] = new Rgb24(C(0), C(1), C(2));
            }
        return image;
    }

    /// <summary>Pixels (centres) inside one object.</summary>
    public static bool[,] Mask(WorldGrammar g, WorldObject o, int w, int h)
    {
        var shape = g.Shape(o.Shape);
        double r = o.Radius * Math.Min(w, h), c = Math.Cos(o.Rotation), s = Math.Sin(o.Rotation);
        var mask = new bool[h, w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double dx = x + 0.5 - o.X * w, dy = y + 0.5 - o.Y * h;
                mask[y, x] = shape.Contains((c * dx + s * dy) / r, (-s * dx + c * dy) / r);
            }
        return mask;
    }

    private static bool IsEdge(bool[,] m, int x, int y, int w, int h) =>
        (y > 0 && !m[y - 1, x]) || (y < h - 1 && !m[y + 1, x]) || (x > 0 && !m[y, x - 1]) || (x < w - 1 && !m[y, x + 1]);

    private static void Set(double[,,] rgb, int x, int y, (byte R, byte G, byte B) c, double tone)
    {
        tone = Math.Clamp(tone, ToneMin, ToneMax);
        double target = tone > 0 ? 255 : 0, a = Math.Abs(tone);
        rgb[y, x, 0] = c.R + a * (target - c.R);
        rgb[y, x, 1] = c.G + a * (target - c.G);
        rgb[y, x, 2] = c.B + a * (target - c.B);
    }

    private static double Gaussian(Random rng)
    {
        double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
