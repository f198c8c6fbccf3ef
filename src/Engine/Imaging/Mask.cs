using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Easel.Engine.Imaging;

/// <summary>A single-channel mask in [0,1], row-major; 1 = repaint.</summary>
public sealed class Mask
{
    public Mask(int width, int height, float[]? values = null)
    {
        Width = width;
        Height = height;
        Values = values ?? new float[width * height];
        if (Values.Length != width * height) throw new ArgumentException("Mask size mismatch.");
    }

    public int Width { get; }
    public int Height { get; }
    public float[] Values { get; }

    public float this[int x, int y] => Values[y * Width + x];

    /// <summary>From an image: luminance above half = repaint.</summary>
    public static Mask FromLuminance(Image<Rgb24> image)
    {
        var mask = new Mask(image.Width, image.Height);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++)
                    mask.Values[y * mask.Width + x] = (0.299f * row[x].R + 0.587f * row[x].G + 0.114f * row[x].B) / 255f;
            }
        });
        return mask;
    }

    /// <summary>From alpha: transparent (alpha below half) = repaint, as the OpenAI edits API does.</summary>
    public static Mask FromTransparency(byte[] alpha, int width, int height) =>
        new(width, height, alpha.Select(a => 1f - a / 255f).ToArray());

    public Mask Binarize(float threshold = 0.5f) => new(Width, Height, Values.Select(v => v >= threshold ? 1f : 0f).ToArray());

    public bool IsEmpty => Values.All(v => v <= 0f);

    /// <summary>Nearest-neighbour resize (masks stay hard).</summary>
    public Mask Resize(int width, int height)
    {
        if (width == Width && height == Height) return this;
        var result = new Mask(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                result.Values[y * width + x] = this[Math.Min(Width - 1, x * Width / width), Math.Min(Height - 1, y * Height / height)];
        return result;
    }

    /// <summary>Dilates by <paramref name="pixels"/> (square structuring element, separable max filter).</summary>
    public Mask Grow(int pixels) => pixels <= 0 ? this : new(Width, Height, Separable(Values, Width, Height, pixels, max: true));

    /// <summary>Softens edges over about <paramref name="pixels"/> (three box blurs ≈ Gaussian).</summary>
    public Mask Feather(int pixels)
    {
        if (pixels <= 0) return this;
        int radius = Math.Max(1, pixels / 2);
        var v = Values;
        for (int i = 0; i < 3; i++) v = Separable(v, Width, Height, radius, max: false);
        return new Mask(Width, Height, v);
    }

    /// <summary>Multiplies by another mask (e.g. keep feathering inside a region).</summary>
    public Mask Multiply(Mask other) => new(Width, Height, Values.Zip(other.Values, (a, b) => a * b).ToArray());

    /// <summary>Down-samples to the latent grid: a cell is repainted if any of its pixels is (max pooling).</summary>
    public float[] ToLatentGrid(int factor)
    {
        int w = Width / factor, h = Height / factor;
        var grid = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                float m = 0;
                for (int dy = 0; dy < factor; dy++)
                    for (int dx = 0; dx < factor; dx++)
                        m = Math.Max(m, this[x * factor + dx, y * factor + dy]);
                grid[y * w + x] = m;
            }
        return grid;
    }

    public Image<L8> ToImage()
    {
        var image = new Image<L8>(Width, Height);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++) row[x] = new L8((byte)Math.Clamp(MathF.Round(this[x, y] * 255), 0, 255));
            }
        });
        return image;
    }

    /// <summary>result = generated·mask + original·(1−mask), pixel by pixel (sizes must match).</summary>
    public Image<Rgb24> Composite(Image<Rgb24> generated, Image<Rgb24> original)
    {
        var result = original.Clone();
        result.ProcessPixelRows(generated, (dst, gen) =>
        {
            for (int y = 0; y < dst.Height; y++)
            {
                var d = dst.GetRowSpan(y);
                var g = gen.GetRowSpan(y);
                for (int x = 0; x < d.Length; x++)
                {
                    float m = this[x, y];
                    if (m <= 0) continue;
                    d[x] = new Rgb24(Mix(g[x].R, d[x].R, m), Mix(g[x].G, d[x].G, m), Mix(g[x].B, d[x].B, m));
                }
            }
        });
        return result;
    }

    private static byte Mix(byte a, byte b, float m) => (byte)Math.Clamp(MathF.Round(a * m + b * (1 - m)), 0, 255);

    private static float[] Separable(float[] src, int w, int h, int r, bool max)
    {
        var tmp = new float[src.Length];
        var dst = new float[src.Length];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                tmp[y * w + x] = Window(i => src[y * w + i], x, w, r, max);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                dst[y * w + x] = Window(i => tmp[i * w + x], y, h, r, max);
        return dst;
    }

    private static float Window(Func<int, float> at, int centre, int length, int r, bool max)
    {
        float acc = max ? 0 : 0;
        int n = 0;
        for (int i = Math.Max(0, centre - r); i <= Math.Min(length - 1, centre + r); i++)
        {
            float v = at(i);
            acc = max ? Math.Max(acc, v) : acc + v;
            n++;
        }
        return max ? acc : acc / n;
    }
}

/// <summary>Fitting images to a target size.</summary>
public static class ImageFitting
{
    public static Image<Rgb24> Fit(Image<Rgb24> source, int width, int height, Pipelines.ResizeMode mode)
    {
        if (source.Width == width && source.Height == height) return source.Clone();
        var pad = MeanEdgeColour(source);
        return source.Clone(x => x.Resize(new ResizeOptions
        {
            Size = new Size(width, height),
            Mode = mode switch
            {
                Pipelines.ResizeMode.Fill => SixLabors.ImageSharp.Processing.ResizeMode.Crop,
                Pipelines.ResizeMode.Stretch => SixLabors.ImageSharp.Processing.ResizeMode.Stretch,
                _ => SixLabors.ImageSharp.Processing.ResizeMode.Pad,
            },
            PadColor = Color.FromRgb(pad.R, pad.G, pad.B),
            Sampler = KnownResamplers.Bicubic,
        }));
    }

    /// <summary>Fits a mask with the same geometry as <see cref="Fit"/> (letterbox areas are not repainted).</summary>
    public static Mask FitMask(Mask mask, int width, int height, Pipelines.ResizeMode mode)
    {
        if (mask.Width == width && mask.Height == height) return mask;
        using var image = mask.ToImage();
        using var fitted = image.Clone(x => x.Resize(new ResizeOptions
        {
            Size = new Size(width, height),
            Mode = mode switch
            {
                Pipelines.ResizeMode.Fill => SixLabors.ImageSharp.Processing.ResizeMode.Crop,
                Pipelines.ResizeMode.Stretch => SixLabors.ImageSharp.Processing.ResizeMode.Stretch,
                _ => SixLabors.ImageSharp.Processing.ResizeMode.Pad,
            },
            PadColor = Color.Black,
            Sampler = KnownResamplers.NearestNeighbor,
        }));
        var result = new Mask(width, height);
        fitted.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++) result.Values[y * width + x] = row[x].PackedValue / 255f;
            }
        });
        return result;
    }

    public static Rgb24 MeanEdgeColour(Image<Rgb24> image)
    {
        long r = 0, g = 0, b = 0, n = 0;
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++)
                {
                    if (y != 0 && y != rows.Height - 1 && x != 0 && x != row.Length - 1) continue;
                    r += row[x].R; g += row[x].G; b += row[x].B; n++;
                }
            }
        });
        return new Rgb24((byte)(r / n), (byte)(g / n), (byte)(b / n));
    }
}
