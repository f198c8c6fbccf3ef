using System.Runtime.CompilerServices;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Engine.Provenance;

/// <summary>
/// Easel's invisible watermark: spread-transform dither modulation (STDM) in the DCT of the image's luma, resampled
/// to a fixed 64×64 plane. Each of the 48 payload bits owns 14 low/mid-frequency coefficients chosen by a fixed key;
/// their projection on a keyed ±1 direction is moved onto the lattice for that bit. Working at a fixed size makes
/// the mark survive resizing, and the low frequencies survive JPEG; cropping moves the plane and breaks it. The key
/// is public (this is open source): the mark tells honest tools an image is Easel's, it cannot resist removal or forgery.
/// </summary>
public static class InvisibleWatermark
{
    /// <summary>Side of the plane the mark lives in.</summary>
    public const int PlaneSize = 64;

    /// <summary>Images smaller than this on either side are not marked (there are too few pixels to carry it).</summary>
    public const int MinimumSide = 32;

    private const int CoefficientsPerBit = 14;
    private const int LowestFrequency = 4, HighestFrequency = 36; // u + v band of the 64×64 DCT
    private const double Step = 56; // lattice step Δ in DCT units; sets the PSNR cost and the noise margin
    private const int EmbedPasses = 4; // each pass re-measures the rounded image and corrects what rounding and resampling undid
    private const ulong Key = 0x45617365_6C574D31; // "EaselWM1"

    private static readonly Dct2D Dct = new(PlaneSize, HighestFrequency); // every carrier lies in the band
    private static readonly (int[] Index, double[] Direction, double Dither)[] Carriers = BuildCarriers();

    /// <summary>
    /// Embeds <paramref name="payload"/> into <paramref name="image"/> in place (no-op below <see cref="MinimumSide"/>).
    /// <paramref name="region"/> (row-major weights in [0, 1], one per pixel) limits where pixels may change: an
    /// inpaint's repainted area, so the pixels outside its mask stay exact. A small region may not carry a readable mark.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Embed(Image<Rgb24> image, WatermarkPayload payload, float[]? region = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(payload);
        if (image.Width < MinimumSide || image.Height < MinimumSide) return;
        if (region is not null && region.Length != image.Width * image.Height)
            throw new ArgumentException($"region has {region.Length} weights for {image.Width}×{image.Height} pixels", nameof(region));
        var bits = payload.ToBits();
        int w = image.Width, h = image.Height;
        var pixels = new Rgb24[w * h];
        image.CopyPixelDataTo(pixels);
        var original = (Rgb24[])pixels.Clone();
        var shift = new float[w * h]; // luma added to every pixel so far (before rounding)
        int passes = region is null ? EmbedPasses : 3 * EmbedPasses; // a region realises only part of each correction
        for (int pass = 0; pass < passes; pass++)
        {
            var coefficients = Dct.Forward(LumaResampler.Resample(Luma(pixels), w, h, PlaneSize, PlaneSize));
            var change = new double[PlaneSize * PlaneSize];
            bool moved = false;
            for (int b = 0; b < bits.Length; b++)
            {
                var (index, direction, dither) = Carriers[b];
                double p = Project(coefficients, index, direction);
                double target = NearestLatticePoint(p, dither, bits[b]);
                double error = target - p;
                if (Math.Abs(error) > 0.02 * Step) moved = true;
                for (int k = 0; k < index.Length; k++) change[index[k]] += error * direction[k];
            }
            if (!moved) break;
            var delta = LumaResampler.Resample(Dct.Inverse(change), PlaneSize, PlaneSize, w, h);
            for (int i = 0; i < pixels.Length; i++)
            {
                shift[i] += region is null ? delta[i] : delta[i] * region[i];
                var o = original[i];
                pixels[i] = new Rgb24(Clamp(o.R + shift[i]), Clamp(o.G + shift[i]), Clamp(o.B + shift[i]));
            }
        }
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < h; y++) pixels.AsSpan(y * w, w).CopyTo(rows.GetRowSpan(y));
        });
    }

    /// <summary>Reads the mark from <paramref name="image"/>: every bit, how many of the known ones match, and whether it is Easel's.</summary>
    public static WatermarkDetection Detect(Image<Rgb24> image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int w = image.Width, h = image.Height;
        var pixels = new Rgb24[w * h];
        image.CopyPixelDataTo(pixels);
        var coefficients = Dct.Forward(LumaResampler.Resample(Luma(pixels), w, h, PlaneSize, PlaneSize));
        var bits = new bool[WatermarkPayload.Bits];
        double fit = 0;
        for (int b = 0; b < bits.Length; b++)
        {
            var (index, direction, dither) = Carriers[b];
            double t = (Project(coefficients, index, direction) - dither) / Step;
            double frac = t - Math.Floor(t); // bit 0 sits at 0 (and 1), bit 1 at 0.5
            bits[b] = frac is >= 0.25 and < 0.75;
            double distance = bits[b] ? Math.Abs(frac - 0.5) : Math.Min(frac, 1 - frac);
            fit += 1 - (distance / 0.25);
        }
        fit /= bits.Length;
        var known = new WatermarkPayload(WatermarkPayload.CurrentVersion, 0).ToBits();
        int knownErrors = 0;
        for (int i = 0; i < WatermarkPayload.KnownBits; i++) if (bits[i] != known[i]) knownErrors++;
        // An unmarked image matches ≤1 of 24 known bits by chance with p ≈ 1.5e-6; ≤4 with p ≈ 8e-4, and then its lattice
        // fit (mean of 48 uniforms, 0.5 ± 0.04) must also pass 0.65 (p ≈ 2e-4).
        bool detected = knownErrors <= 1 || (knownErrors <= 4 && fit >= 0.65);
        return new WatermarkDetection(detected, 1 - (knownErrors / (double)WatermarkPayload.KnownBits), fit, bits);
    }

    private static double Project(double[] coefficients, int[] index, double[] direction)
    {
        double p = 0;
        for (int k = 0; k < index.Length; k++) p += coefficients[index[k]] * direction[k];
        return p;
    }

    private static double NearestLatticePoint(double p, double dither, bool bit)
    {
        double offset = dither + (bit ? Step / 2 : 0);
        return (Math.Round((p - offset) / Step) * Step) + offset;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float[] Luma(Rgb24[] pixels)
    {
        var luma = new float[pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
            luma[i] = (0.299f * pixels[i].R) + (0.587f * pixels[i].G) + (0.114f * pixels[i].B);
        return luma;
    }

    private static byte Clamp(float value) => (byte)Math.Clamp(MathF.Round(value), 0, 255);

    /// <summary>The keyed choice of coefficients, directions and dithers (SplitMix64, so it never changes with the runtime).</summary>
    private static (int[], double[], double)[] BuildCarriers()
    {
        var band = new List<int>();
        for (int v = 0; v < PlaneSize; v++)
            for (int u = 0; u < PlaneSize; u++)
                if (u + v >= LowestFrequency && u + v <= HighestFrequency) band.Add((v * PlaneSize) + u);
        ulong state = Key;
        for (int i = band.Count - 1; i > 0; i--)
        {
            int j = (int)(Next(ref state) % (ulong)(i + 1));
            (band[i], band[j]) = (band[j], band[i]);
        }
        var carriers = new (int[], double[], double)[WatermarkPayload.Bits];
        double norm = 1 / Math.Sqrt(CoefficientsPerBit);
        for (int b = 0; b < carriers.Length; b++)
        {
            var index = band.GetRange(b * CoefficientsPerBit, CoefficientsPerBit).ToArray();
            var direction = index.Select(_ => (Next(ref state) & 1) == 0 ? norm : -norm).ToArray();
            double dither = (Next(ref state) >> 11) * (1.0 / (1UL << 53)) * Step;
            carriers[b] = (index, direction, dither);
        }
        return carriers;
    }

    private static ulong Next(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
