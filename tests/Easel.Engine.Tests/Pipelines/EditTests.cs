using Easel.Engine.Imaging;
using Easel.Engine.Pipelines;
using Easel.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Engine.Tests.Pipelines;

/// <summary>Editing mechanics on the exporter fixtures (quality is tested with the bundled model and the judge).</summary>
public class EditTests
{
    private static async Task<(TempDir Dir, EaselEngine Engine, GeneratedImage Source)> Setup(string model = "sd15-optimum", int width = 64, int height = 64)
    {
        var dir = new TempDir();
        var engine = FixtureModelTests.Engine(dir);
        var source = (await engine.GenerateAsync(new GenerateRequest { Prompt = "a red circle", Model = model, Width = width, Height = height, Steps = 3, Seed = 11 }).Within("GenerateAsync")).Images[0];
        return (dir, engine, source);
    }

    private static GenerateRequest Gen(string model = "sd15-optimum", string prompt = "a green square") =>
        new() { Prompt = prompt, Model = model, Steps = 4, Seed = 3, Scheduler = "ddim" };

    private static string MaskFile(TempDir dir, int width, int height, Rectangle repaint)
    {
        using var mask = new Image<L8>(width, height);
        for (int y = repaint.Top; y < repaint.Bottom; y++)
            for (int x = repaint.Left; x < repaint.Right; x++)
                mask[x, y] = new L8(255);
        var path = Path.Combine(dir.Path, "mask-input.png");
        mask.SaveAsPng(path);
        return path;
    }

    [Theory]
    [InlineData("sd15-optimum")] // any 4-channel model: latent blending
    [InlineData("sd15-inpaint")] // 9-channel inpaint UNet: mask + masked-image latents
    public async Task InpaintKeepsEveryPixelOutsideTheMask(string model)
    {
        var (dir, engine, source) = await Setup(model);
        using var _ = dir; using var __ = engine;
        var rect = new Rectangle(16, 16, 24, 24);
        var mask = MaskFile(dir, 64, 64, rect);
        var result = await engine.InpaintAsync(new EditRequest { Generation = Gen(model), Image = source.Path, Mask = mask }).Within("InpaintAsync");
        var image = Assert.Single(result.Images);
        using var before = Image.Load<Rgb24>(source.Path);
        using var after = Image.Load<Rgb24>(image.Path);
        int changedInside = 0;
        for (int y = 0; y < 64; y++)
            for (int x = 0; x < 64; x++)
            {
                if (rect.Contains(x, y)) { if (!before[x, y].Equals(after[x, y])) changedInside++; continue; }
                Assert.Equal(before[x, y], after[x, y]);
            }
        Assert.True(changedInside > 100, $"only {changedInside} pixels inside the mask changed");
        Assert.Equal("inpaint", image.Metadata.Operation);
        Assert.Equal(2, image.Metadata.SourceImageHashes!.Count); // image and mask
    }

    [Fact]
    public async Task TransparentPixelsOfAnRgbaImageAreTheMaskAndAMaskOfAnotherSizeIsResizedWithAWarning()
    {
        var (dir, engine, _) = await Setup();
        using var _d = dir; using var _e = engine;
        var rgba = Path.Combine(RepoPaths.Root, "tests", "fixtures", "images", "transparent.png");
        var result = await engine.InpaintAsync(new EditRequest { Generation = Gen(), Image = rgba }).Within("InpaintAsync");
        using var after = Image.Load<Rgb24>(result.Images[0].Path);
        Assert.Equal((48, 40), (after.Width, after.Height));
        Assert.Equal(new Rgb24(30, 70, 220), after[40, 30]); // opaque area unchanged

        var src = (await engine.GenerateAsync(new GenerateRequest { Prompt = "x", Model = "sd15-optimum", Width = 64, Height = 64, Steps = 2, Seed = 1 }).Within("GenerateAsync")).Images[0];
        var smallMask = MaskFile(dir, 32, 32, new Rectangle(8, 8, 8, 8));
        var resized = await engine.InpaintAsync(new EditRequest { Generation = Gen(), Image = src.Path, Mask = smallMask }).Within("InpaintAsync");
        Assert.Contains(resized.Warnings, w => w.StartsWith("mask: 32x32 differs", StringComparison.Ordinal) && w.Contains("resized"));
    }

    [Fact]
    public async Task OutpaintExtendsTheCanvasAndKeepsTheOriginalPixels()
    {
        var (dir, engine, source) = await Setup();
        using var _d = dir; using var _e = engine;
        var result = await engine.OutpaintAsync(new EditRequest { Generation = Gen(), Image = source.Path, Right = 32, Top = 8 }).Within("OutpaintAsync");
        using var before = Image.Load<Rgb24>(source.Path);
        using var after = Image.Load<Rgb24>(result.Images[0].Path);
        Assert.Equal((96, 72), (after.Width, after.Height));
        for (int y = 0; y < 64; y++)
            for (int x = 0; x < 64; x++)
                Assert.Equal(before[x, y], after[x, y + 8]);
        Assert.Equal("outpaint", result.Images[0].Metadata.Operation);
    }

    [Fact]
    public async Task StrengthZeroRunsNoStepAndIgnoresTheSeed()
    {
        var (dir, engine, source) = await Setup();
        using var _d = dir; using var _e = engine;
        var steps = new List<int>();
        var a = await engine.RestyleAsync(new EditRequest { Generation = Gen() with { Seed = 1 }, Image = source.Path, Strength = 0 },
            new SyncProgress(p => { if (p.Stage == "denoising") steps.Add(p.Step); })).Within("RestyleAsync");
        var b = await engine.RestyleAsync(new EditRequest { Generation = Gen() with { Seed = 2 }, Image = source.Path, Strength = 0 }).Within("RestyleAsync");
        Assert.Empty(steps);
        Assert.Equal(FixtureModelTests.Pixels(a.Images[0].Path), FixtureModelTests.Pixels(b.Images[0].Path));

        var c = await engine.RestyleAsync(new EditRequest { Generation = Gen() with { Seed = 1 }, Image = source.Path, Strength = 0.5 },
            new SyncProgress(p => { if (p.Stage == "denoising") steps.Add(p.Step); })).Within("RestyleAsync");
        Assert.Equal([1, 2], steps); // floor(4 × 0.5) = 2: the last two of four steps
        Assert.NotEqual(FixtureModelTests.Pixels(a.Images[0].Path), FixtureModelTests.Pixels(c.Images[0].Path));
        Assert.Equal(0.5, c.Images[0].Metadata.Strength);
    }

    [Fact]
    public async Task VariationsGiveDistinctImagesWithConsecutiveSeedsAndTheSourceHash()
    {
        var (dir, engine, source) = await Setup();
        using var _d = dir; using var _e = engine;
        var result = await engine.VaryAsync(new EditRequest { Generation = Gen(prompt: "") with { Count = 3, Seed = 40 }, Image = source.Path }).Within("VaryAsync");
        Assert.Equal([40L, 41L, 42L], result.Images.Select(i => i.Seed));
        Assert.Equal(3, result.Images.Select(i => Convert.ToBase64String(FixtureModelTests.Pixels(i.Path))).Distinct().Count());
        var meta = result.Images[0].Metadata;
        Assert.Equal("variation", meta.Operation);
        Assert.Equal(0.6, meta.Strength);
        Assert.Equal("a red circle", meta.Prompt); // taken from the source PNG's metadata
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(source.Path))).ToLowerInvariant();
        Assert.Equal(hash, Assert.Single(meta.SourceImageHashes!));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public async Task StrengthOutsideRangeIsRefusedAndNothingIsWritten(double strength)
    {
        var (dir, engine, source) = await Setup();
        using var _d = dir; using var _e = engine;
        int before = dir.Files.Length;
        var ex = await Assert.ThrowsAsync<EaselValidationException>(() => engine.RestyleAsync(new EditRequest { Generation = Gen(), Image = source.Path, Strength = strength }).Within("RestyleAsync"));
        Assert.Equal("strength", ex.Field);
        Assert.Contains("0–1", ex.Message);
        Assert.Equal(before, dir.Files.Length);
    }

    [Theory]
    [InlineData(12, 0, "right", "multiple of 8")]
    [InlineData(4096, 0, "right", "0–2048")]
    [InlineData(0, 0, "left/right/top/bottom", "extend at least one side")]
    [InlineData(2000, 8, "left/right/top/bottom", "side limit")]
    public async Task OutpaintExtentsAreChecked(int right, int top, string field, string expected)
    {
        var (dir, engine, source) = await Setup();
        using var _d = dir; using var _e = engine;
        var ex = await Assert.ThrowsAsync<EaselValidationException>(() => engine.OutpaintAsync(new EditRequest { Generation = Gen(), Image = source.Path, Right = right, Top = top }).Within("OutpaintAsync"));
        Assert.Equal(field, ex.Field);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public async Task BadSourceImagesAreClearErrors()
    {
        var (dir, engine, _) = await Setup();
        using var _d = dir; using var _e = engine;
        var text = Path.Combine(dir.Path, "notes.txt");
        File.WriteAllText(text, "not an image");
        var notImage = await Assert.ThrowsAsync<EaselValidationException>(() => engine.RestyleAsync(new EditRequest { Generation = Gen(), Image = text }).Within("RestyleAsync"));
        Assert.Contains("not a recognised image", notImage.Message);
        var missing = await Assert.ThrowsAsync<EaselValidationException>(() => engine.RestyleAsync(new EditRequest { Generation = Gen(), Image = "/no/such.png" }).Within("RestyleAsync"));
        Assert.Equal("image", missing.Field);
        var noMask = await Assert.ThrowsAsync<EaselValidationException>(() => engine.InpaintAsync(new EditRequest { Generation = Gen(), Image = Path.Combine(RepoPaths.Root, "tests", "fixtures", "images", "cmyk.jpg") }).Within("InpaintAsync"));
        Assert.Equal("mask", noMask.Field);
    }

    [Fact]
    public async Task ResizePoliciesFitFillAndStretchToTheRequestedSize()
    {
        var (dir, engine, _) = await Setup();
        using var _d = dir; using var _e = engine;
        // A tall 20x40 source in bands: rows 0-9 green, 10-19 red, 20-39 blue; the target is wide (64x32).
        Rgb24 green = new(0, 255, 0), red = new(255, 0, 0), blue = new(0, 0, 255);
        var tall = Path.Combine(dir.Path, "tall-source.png");
        using (var source = new Image<Rgb24>(20, 40))
        {
            for (int y = 0; y < 40; y++)
                for (int x = 0; x < 20; x++)
                    source[x, y] = y < 10 ? green : y < 20 ? red : blue;
            source.SaveAsPng(tall);
        }
        var caps = engine.Models.Get("sd15-optimum").Capabilities;
        Image<Rgb24> Fitted(ResizeMode mode)
        {
            var request = new EditRequest { Generation = Gen() with { Width = 64, Height = 32 }, Image = tall, Resize = mode, Strength = 0.25 };
            using var setup = EditSetup.Create(EditOperation.Restyle, request, engine.Store, engine.Options, caps);
            return setup.Source.Clone();
        }
        static bool Near(Rgb24 a, Rgb24 b) => Math.Abs(a.R - b.R) + Math.Abs(a.G - b.G) + Math.Abs(a.B - b.B) < 60;

        // stretch: every column shows all three bands, squashed (rows 0-7 green, 8-15 red, 16-31 blue).
        using (var stretch = Fitted(ResizeMode.Stretch))
            foreach (int x in new[] { 2, 32, 61 })
            {
                Assert.True(Near(green, stretch[x, 3]), $"stretch ({x},3) = {stretch[x, 3]}");
                Assert.True(Near(red, stretch[x, 12]), $"stretch ({x},12) = {stretch[x, 12]}");
                Assert.True(Near(blue, stretch[x, 26]), $"stretch ({x},26) = {stretch[x, 26]}");
            }
        // fill: scaled to cover (64x128) and centre-cropped to source rows ~15-25: red over blue, the green is cut.
        using (var fill = Fitted(ResizeMode.Fill))
        {
            foreach (int x in new[] { 2, 32, 61 })
            {
                Assert.True(Near(red, fill[x, 4]), $"fill ({x},4) = {fill[x, 4]}");
                Assert.True(Near(blue, fill[x, 28]), $"fill ({x},28) = {fill[x, 28]}");
            }
            for (int y = 0; y < 32; y++)
                for (int x = 0; x < 64; x++)
                    Assert.False(fill[x, y].G > 128, $"fill kept green at ({x},{y})");
        }
        // fit: scaled to fit (16x32) and centred on a padded canvas: the bands in the middle, padding at the sides.
        using (var fit = Fitted(ResizeMode.Fit))
        {
            Assert.True(Near(green, fit[32, 3]), $"fit (32,3) = {fit[32, 3]}");
            Assert.True(Near(red, fit[32, 12]), $"fit (32,12) = {fit[32, 12]}");
            Assert.True(Near(blue, fit[32, 26]), $"fit (32,26) = {fit[32, 26]}");
            foreach (var (x, y) in new[] { (4, 3), (4, 26), (59, 3), (59, 26) })
            {
                Assert.Equal(fit[4, 16], fit[x, y]); // one pad colour...
                Assert.False(Near(green, fit[x, y]) || Near(red, fit[x, y]) || Near(blue, fit[x, y]), $"fit ({x},{y}) = {fit[x, y]} is image, not padding");
            }
        }

        // And the engine runs each policy to an image of the requested size, recording which one it used.
        foreach (var mode in new[] { ResizeMode.Fit, ResizeMode.Fill, ResizeMode.Stretch })
        {
            var r = await engine.RestyleAsync(new EditRequest { Generation = Gen() with { Width = 64, Height = 32 }, Image = tall, Resize = mode, Strength = 0.25 }).Within("RestyleAsync");
            Assert.Equal((64, 32), (r.Images[0].Width, r.Images[0].Height));
            Assert.Equal($"{mode.ToString().ToLowerInvariant()} 20x40 -> 64x32", r.Images[0].Metadata.Extra!["resize"]);
        }
    }
}
