using System.Globalization;
using Easel.Engine.Imaging;
using Easel.Engine.Pipelines;
using Easel.Engine.Provenance;
using Easel.Engine.Tests.Bundled;
using Easel.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit.Abstractions;

namespace Easel.Engine.Tests.Responsible;

/// <summary>The invisible watermark: what survives which transform, its PSNR cost, and no false detections.</summary>
public class WatermarkTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3); // a hung run fails instead of stalling the suite

    private static readonly WatermarkPayload Payload = WatermarkPayload.ForModel("easel-shapes");

    private static readonly (string Name, Func<Image<Rgb24>, Image<Rgb24>> Apply, double MinAccuracy, bool MustDetect)[] Transforms =
    [
        ("PNG re-save", SyntheticPhotos.PngRoundTrip, 1.0, true),
        ("JPEG q90", i => SyntheticPhotos.Jpeg(i, 90), 0.98, true),
        ("JPEG q75", i => SyntheticPhotos.Jpeg(i, 75), 0.95, true),
        ("JPEG q50", i => SyntheticPhotos.Jpeg(i, 50), 0.90, false),
        ("resize 0.75x", i => SyntheticPhotos.Scale(i, 0.75), 0.95, true),
        ("resize 0.5x", i => SyntheticPhotos.Scale(i, 0.5), 0.0, false),
        ("crop 10 % (centre)", i => SyntheticPhotos.CropCentre(i, 0.10), 0.0, false),
    ];

    /// <summary>The table in docs/responsible-use.md comes from this test's output.</summary>
    [Fact]
    public void SurvivesEverydayTransformsAtAPsnrOfAtLeast40dB()
    {
        output.WriteLine("| size | transform | mean bit accuracy | min | detected |");
        output.WriteLine("|---|---|---|---|---|");
        foreach (var (size, count) in new[] { (64, 8), (256, 6), (512, 2) })
        {
            var marked = new List<Image<Rgb24>>();
            var psnr = new List<double>();
            for (int seed = 0; seed < count; seed++)
            {
                using var original = SyntheticPhotos.Create(1000 + seed, size, size);
                var copy = original.Clone();
                InvisibleWatermark.Embed(copy, Payload);
                psnr.Add(ImageMath.Psnr(original, copy));
                marked.Add(copy);
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {size}² | PSNR of embedding | min {psnr.Min():F1} dB, mean {psnr.Average():F1} dB | | |"));
            Assert.All(psnr, p => Assert.True(p >= 40, $"PSNR {p:F1} dB at {size}²"));
            foreach (var (name, apply, minAccuracy, mustDetect) in Transforms)
            {
                var readings = marked.Select(m =>
                {
                    using var changed = apply(m);
                    return InvisibleWatermark.Detect(changed);
                }).ToList();
                var accuracy = readings.Select(r => r.BitAccuracy(Payload)).ToList();
                int detected = readings.Count(r => r.Detected);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {size}² | {name} | {accuracy.Average():F3} | {accuracy.Min():F3} | {detected}/{count} |"));
                Assert.True(accuracy.Min() >= minAccuracy, $"{name} at {size}²: bit accuracy {accuracy.Min():F3} < {minAccuracy}");
                if (mustDetect) Assert.Equal(count, detected);
            }
            foreach (var m in marked) m.Dispose();
        }
    }

    [Fact]
    public void NoneOf200UnmarkedImagesIsDetected()
    {
        int detected = 0;
        double worst = 0;
        for (int i = 0; i < 200; i++)
        {
            // Photo-like content at several sizes and aspect ratios, plus flat and noise images.
            int w = 48 + (i % 5 * 40), h = 48 + (i % 7 * 24);
            using var image = (i % 20) switch
            {
                0 => new Image<Rgb24>(w, h, new Rgb24((byte)i, (byte)(255 - i), 128)),
                1 => ImageDistortions.AddGaussianNoise(new Image<Rgb24>(w, h, new Rgb24(128, 128, 128)), 40, i),
                _ => SyntheticPhotos.Create(5000 + i, w, h),
            };
            var reading = InvisibleWatermark.Detect(image);
            if (reading.Detected) detected++;
            worst = Math.Max(worst, reading.KnownBitAccuracy);
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"200 unmarked images: {detected} detected; best known-bit accuracy {worst:F3}"));
        Assert.Equal(0, detected);
    }

    [Fact]
    public void ThePayloadCarriesTheTagVersionAndModelHash()
    {
        var bits = Payload.ToBits();
        Assert.Equal(48, bits.Length);
        Assert.Equal(Payload, WatermarkPayload.FromBits(bits));
        Assert.NotEqual(WatermarkPayload.HashModel("easel-shapes"), WatermarkPayload.HashModel("sd15"));
        using var image = SyntheticPhotos.Create(1, 96, 64);
        InvisibleWatermark.Embed(image, Payload);
        var reading = InvisibleWatermark.Detect(image);
        Assert.True(reading.Detected);
        Assert.Equal(1.0, reading.KnownBitAccuracy);
        Assert.Equal(Payload, reading.Payload);
        Assert.True(reading.LatticeFit > 0.9, $"lattice fit {reading.LatticeFit}");

        using var tiny = SyntheticPhotos.Create(1, 24, 24); // below the minimum side: left alone
        using var before = tiny.Clone();
        InvisibleWatermark.Embed(tiny, Payload);
        Assert.True(double.IsPositiveInfinity(ImageMath.Psnr(before, tiny)));
    }

    [Fact]
    public async Task EveryGeneratedImageIsMarkedUnlessSwitchedOff()
    {
        using var dir = new TempDir();
        using var on = new EaselEngine(new EaselOptions { OutputDirectory = dir.Path, ExecutionProvider = "cpu" });
        var marked = await on.GenerateAsync(new GenerateRequest { Prompt = "a red circle on a blue background", Seed = 5, Steps = 3 }).WaitAsync(Limit);
        using var markedImage = Image.Load<Rgb24>(marked.Images[0].Path);
        var reading = InvisibleWatermark.Detect(markedImage);
        Assert.True(reading.Detected);
        Assert.Equal(WatermarkPayload.ForModel(marked.Model), reading.Payload);
        Assert.Equal("easel-v1", PngCodec.ReadMetadata(File.ReadAllBytes(marked.Images[0].Path))!.Extra!["watermark"]);

        using var off = new EaselEngine(new EaselOptions { OutputDirectory = dir.Path, ExecutionProvider = "cpu", Watermark = false });
        var plain = await off.GenerateAsync(new GenerateRequest { Prompt = "a red circle on a blue background", Seed = 5, Steps = 3 }).WaitAsync(Limit);
        using var plainImage = Image.Load<Rgb24>(plain.Images[0].Path);
        Assert.False(InvisibleWatermark.Detect(plainImage).Detected);
        Assert.Null(plain.Images[0].Metadata.Extra);
        double psnr = ImageMath.Psnr(plainImage, markedImage);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bundled model 64², marked vs unmarked: PSNR {psnr:F1} dB"));
        Assert.True(psnr >= 40, $"PSNR {psnr:F1} dB");
    }

    [Fact]
    public void ARegionKeepsEveryPixelOutsideItAndAHalfImageRegionStillCarriesTheMark()
    {
        using var original = SyntheticPhotos.Create(77, 128, 128);
        using var marked = original.Clone();
        var region = new float[128 * 128];
        for (int y = 0; y < 128; y++)
            for (int x = 64; x < 128; x++) region[(y * 128) + x] = 1; // the right half was repainted
        InvisibleWatermark.Embed(marked, Payload, region);
        for (int y = 0; y < 128; y++)
            for (int x = 0; x < 64; x++)
                Assert.Equal(original[x, y], marked[x, y]);
        var reading = InvisibleWatermark.Detect(marked);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"half-image region: bit accuracy {reading.BitAccuracy(Payload):F3}, PSNR {ImageMath.Psnr(original, marked):F1} dB"));
        Assert.True(reading.Detected);
        using var jpeg = SyntheticPhotos.Jpeg(marked, 75);
        Assert.True(InvisibleWatermark.Detect(jpeg).BitAccuracy(Payload) >= 0.9);
    }
}
