using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Easel.Testing;

/// <summary>
/// Deterministic photo-like test images (smooth shading, edges and fine texture with a roughly 1/f spectrum) and the
/// everyday transforms an image meets after it leaves Easel (re-save, JPEG, resize, crop).
/// </summary>
public static class SyntheticPhotos
{
    public static Image<Rgb24> Create(int seed, int width, int height)
    {
        var rng = new Random(seed);
        var layers = new List<(double Fx, double Fy, double Phase, double[] Amp)>();
        for (int i = 0; i < 40; i++)
        {
            double f = Math.Exp(rng.NextDouble() * Math.Log(64)); // 1..64 cycles across the image
            double angle = rng.NextDouble() * Math.PI * 2;
            double a = 60 / f;
            layers.Add((f * Math.Cos(angle), f * Math.Sin(angle), rng.NextDouble() * Math.PI * 2,
                [a * (rng.NextDouble() - 0.5) * 2, a * (rng.NextDouble() - 0.5) * 2, a * (rng.NextDouble() - 0.5) * 2]));
        }
        var blobs = Enumerable.Range(0, 6).Select(_ => (X: rng.NextDouble(), Y: rng.NextDouble(), R: 0.05 + (rng.NextDouble() * 0.25),
            C: new[] { rng.Next(256), rng.Next(256), rng.Next(256) })).ToList();
        var baseColor = new[] { 40 + rng.Next(170), 40 + rng.Next(170), 40 + rng.Next(170) };
        // sin(a + b) = sin a cos b + cos a sin b: each layer's waves precomputed per column and per row.
        var waves = layers.Select(l => (
            SinX: Enumerable.Range(0, width).Select(x => Math.Sin((2 * Math.PI * l.Fx * x / width) + l.Phase)).ToArray(),
            CosX: Enumerable.Range(0, width).Select(x => Math.Cos((2 * Math.PI * l.Fx * x / width) + l.Phase)).ToArray(),
            SinY: Enumerable.Range(0, height).Select(y => Math.Sin(2 * Math.PI * l.Fy * y / height)).ToArray(),
            CosY: Enumerable.Range(0, height).Select(y => Math.Cos(2 * Math.PI * l.Fy * y / height)).ToArray(),
            l.Amp)).ToArray();
        var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double u = x / (double)width, v = y / (double)height;
                var c = new double[] { baseColor[0], baseColor[1], baseColor[2] };
                foreach (var b in blobs)
                    if (((u - b.X) * (u - b.X)) + ((v - b.Y) * (v - b.Y)) < b.R * b.R)
                        for (int k = 0; k < 3; k++) c[k] = (c[k] * 0.3) + (b.C[k] * 0.7);
                foreach (var w in waves)
                {
                    double s = (w.SinX[x] * w.CosY[y]) + (w.CosX[x] * w.SinY[y]);
                    for (int k = 0; k < 3; k++) c[k] += w.Amp[k] * s;
                }
                c[0] += (rng.NextDouble() - 0.5) * 6; // sensor-like grain
                image[x, y] = new Rgb24(Byte(c[0]), Byte(c[1] + ((rng.NextDouble() - 0.5) * 6)), Byte(c[2] + ((rng.NextDouble() - 0.5) * 6)));
            }
        return image;

        static byte Byte(double v) => (byte)Math.Clamp(Math.Round(v), 0, 255);
    }

    public static Image<Rgb24> PngRoundTrip(Image<Rgb24> image)
    {
        using var stream = new MemoryStream();
        image.Save(stream, new PngEncoder());
        stream.Position = 0;
        return Image.Load<Rgb24>(stream);
    }

    public static Image<Rgb24> Jpeg(Image<Rgb24> image, int quality)
    {
        using var stream = new MemoryStream();
        image.Save(stream, new JpegEncoder { Quality = quality });
        stream.Position = 0;
        return Image.Load<Rgb24>(stream);
    }

    public static Image<Rgb24> Scale(Image<Rgb24> image, double factor) =>
        image.Clone(ctx => ctx.Resize((int)Math.Round(image.Width * factor), (int)Math.Round(image.Height * factor), KnownResamplers.Bicubic));

    /// <summary>Keeps the centre, cutting <paramref name="fraction"/> of the width and of the height (half from each side).</summary>
    public static Image<Rgb24> CropCentre(Image<Rgb24> image, double fraction)
    {
        int cw = (int)Math.Round(image.Width * fraction / 2), ch = (int)Math.Round(image.Height * fraction / 2);
        return image.Clone(ctx => ctx.Crop(new Rectangle(cw, ch, image.Width - (2 * cw), image.Height - (2 * ch))));
    }
}
