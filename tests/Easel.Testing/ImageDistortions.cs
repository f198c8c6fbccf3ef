using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Easel.Testing;

/// <summary>Degradations that make a perfect render look more like a generated image (for judge robustness tests).</summary>
public static class ImageDistortions
{
    /// <summary>3×3 box blur with clamped edges: soft edges like a decoder's.</summary>
    public static Image<Rgb24> Blur3x3(Image<Rgb24> source)
    {
        int w = source.Width, h = source.Height;
        var result = new Image<Rgb24>(w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int r = 0, g = 0, b = 0;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        var p = source[Math.Clamp(x + dx, 0, w - 1), Math.Clamp(y + dy, 0, h - 1)];
                        r += p.R; g += p.G; b += p.B;
                    }
                result[x, y] = new Rgb24((byte)((r + 4) / 9), (byte)((g + 4) / 9), (byte)((b + 4) / 9));
            }
        return result;
    }

    /// <summary>Adds independent Gaussian noise to every channel; sigma is in 0–255 units (8 ≈ 8/255).</summary>
    public static Image<Rgb24> AddGaussianNoise(Image<Rgb24> source, double sigma, int seed)
    {
        var rng = new Random(seed);
        var result = source.Clone();
        for (int y = 0; y < result.Height; y++)
            for (int x = 0; x < result.Width; x++)
            {
                var p = result[x, y];
                result[x, y] = new Rgb24(Noisy(p.R), Noisy(p.G), Noisy(p.B));
            }
        return result;

        byte Noisy(byte v) => (byte)Math.Clamp(Math.Round(v + sigma * StandardNormal(rng)), 0, 255);
    }

    /// <summary>Resamples to a new size (bicubic, as an upscaler would).</summary>
    public static Image<Rgb24> Resize(Image<Rgb24> source, int width, int height) =>
        source.Clone(ctx => ctx.Resize(width, height, KnownResamplers.Bicubic));

    // Box–Muller; one value per call keeps the code obvious and the test images deterministic per seed.
    private static double StandardNormal(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
