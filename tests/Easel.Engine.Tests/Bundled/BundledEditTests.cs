using Easel.Engine.Pipelines;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using Xunit.Abstractions;

namespace Easel.Engine.Tests.Bundled;

/// <summary>Editing quality on the bundled model, decided by the scene judge (issue: image editing).</summary>
public class BundledEditTests(BundledModelFixture bundled, ITestOutputHelper output) : IClassFixture<BundledModelFixture>
{
    private const string SourcePrompt = "a small red circle at the top left on a blue background";

    /// <summary>A generated source scene the judge reads as its prompt (tries a few seeds).</summary>
    private async Task<GeneratedImage> SourceScene(string prompt = SourcePrompt)
    {
        var expected = bundled.Grammar.ParseCaption(prompt)!;
        GeneratedImage? last = null;
        for (long seed = 1; seed <= 5; seed++)
        {
            last = (await bundled.Engine.GenerateAsync(BundledModelFixture.Request(prompt, seed))).Images[0];
            if (bundled.JudgeFile(last.Path).Matches(expected)) return last;
        }
        return last!;
    }

    private static GenerateRequest Edit(string prompt, long seed = 7) => new() { Prompt = prompt, Seed = seed };

    [Fact]
    public async Task InpaintingARegionWithAGreenSquarePutsOneThereAndLeavesTheRestAlone()
    {
        var source = await SourceScene();
        var maskPath = Path.Combine(bundled.Output.Path, "mask-br.png");
        var region = new Rectangle(32, 32, 32, 32);
        using (var mask = new Image<L8>(64, 64))
        {
            for (int y = region.Top; y < region.Bottom; y++)
                for (int x = region.Left; x < region.Right; x++)
                    mask[x, y] = new L8(255);
            mask.SaveAsPng(maskPath);
        }
        int found = 0;
        double worstPsnr = double.PositiveInfinity;
        for (long seed = 1; seed <= 3; seed++)
        {
            var result = await bundled.Engine.InpaintAsync(new EditRequest
            {
                Generation = Edit("a small green square at the bottom right on a blue background", seed),
                Image = source.Path,
                Mask = maskPath,
            });
            using var before = Image.Load<Rgb24>(source.Path);
            using var after = Image.Load<Rgb24>(result.Images[0].Path);
            worstPsnr = Math.Min(worstPsnr, ImageMath.Psnr(before, after, (x, y) => !region.Contains(x, y)));
            var j = bundled.JudgeFile(result.Images[0].Path);
            output.WriteLine($"seed {seed}: {j}");
            if (j.Objects.Any(o => o.Color == "green" && o.Shape == "square" && o.Position == "bottom right")) found++;
        }
        output.WriteLine($"green square found in {found}/3; PSNR outside the mask ≥ {worstPsnr} dB");
        Assert.True(worstPsnr >= 40, $"PSNR outside the mask {worstPsnr:F1} dB");
        Assert.True(found >= 2, $"green square at the bottom right in {found}/3 inpaints");
    }

    [Fact]
    public async Task OutpaintingToTheRightKeepsTheOriginalAndContinuesTheBackground()
    {
        var source = await SourceScene("a small red circle on the left on a blue background");
        var result = await bundled.Engine.OutpaintAsync(new EditRequest
        {
            Generation = Edit("a small red circle on the left on a blue background"),
            Image = source.Path,
            Right = 32,
        });
        using var before = Image.Load<Rgb24>(source.Path);
        using var after = Image.Load<Rgb24>(result.Images[0].Path);
        Assert.Equal((96, 64), (after.Width, after.Height));
        Assert.True(double.IsPositiveInfinity(ImageMath.Psnr(before, after.Clone(c => c.Crop(new Rectangle(0, 0, 64, 64))))));
        using var strip = after.Clone(c => c.Crop(new Rectangle(64, 0, 32, 64)));
        var j = bundled.Judge.Judge(strip);
        output.WriteLine($"new strip: {j}");
        Assert.Equal("blue", j.Background);
    }

    [Fact]
    public async Task Img2ImgStrengthZeroOneAndLow()
    {
        var source = await SourceScene();
        var expected = bundled.Grammar.ParseCaption(SourcePrompt)!;
        using var before = Image.Load<Rgb24>(source.Path);

        var zero = await bundled.Engine.RestyleAsync(new EditRequest { Generation = Edit(SourcePrompt), Image = source.Path, Strength = 0 });
        using (var z = Image.Load<Rgb24>(zero.Images[0].Path))
        {
            double psnr = ImageMath.Psnr(before, z);
            output.WriteLine($"strength 0: PSNR {psnr:F1} dB through the VAE");
            Assert.True(psnr >= 35, $"strength 0 PSNR {psnr:F1} dB");
        }

        const string other = "a large yellow triangle in the centre on a black background";
        var otherScene = bundled.Grammar.ParseCaption(other)!;
        int fullMatches = 0;
        for (long seed = 1; seed <= 3; seed++)
        {
            var full = await bundled.Engine.RestyleAsync(new EditRequest { Generation = Edit(other, seed), Image = source.Path, Strength = 1 });
            var j = bundled.JudgeFile(full.Images[0].Path);
            output.WriteLine($"strength 1, seed {seed}: {j}");
            if (j.Matches(otherScene)) fullMatches++;
        }
        Assert.True(fullMatches >= 2, $"strength 1 followed the new prompt in {fullMatches}/3");

        var low = await bundled.Engine.RestyleAsync(new EditRequest { Generation = Edit(SourcePrompt), Image = source.Path, Strength = 0.3 });
        var lowJudged = bundled.JudgeFile(low.Images[0].Path);
        output.WriteLine($"strength 0.3: {lowJudged}");
        using var l = Image.Load<Rgb24>(low.Images[0].Path);
        double lowPsnr = ImageMath.Psnr(before, l);
        output.WriteLine($"strength 0.3: PSNR {lowPsnr:F1} dB against the source");
        Assert.False(double.IsPositiveInfinity(lowPsnr), "pixels should change at strength 0.3");
        Assert.True(lowJudged.ColorsMatch(expected) && lowJudged.ShapesMatch(expected), lowJudged.ToString());
    }

    [Fact]
    public async Task VariationsAreDistinctAndKeepShapeAndColourAtLowStrength()
    {
        var source = await SourceScene();
        var expected = bundled.Grammar.ParseCaption(SourcePrompt)!;
        var result = await bundled.Engine.VaryAsync(new EditRequest { Generation = Edit("") with { Count = 4, Seed = 50 }, Image = source.Path, Strength = 0.35 });
        Assert.Equal(4, result.Images.Count);
        Assert.Equal(4, result.Images.Select(i => Pixels(i.Path)).Distinct().Count());
        int agree = 0;
        foreach (var image in result.Images)
        {
            var j = bundled.JudgeFile(image.Path);
            output.WriteLine($"seed {image.Seed}: {j}");
            if (j.ColorsMatch(expected) && j.ShapesMatch(expected)) agree++;
        }
        Assert.True(agree >= 3, $"{agree}/4 variations kept shape and colour");
    }

    private static string Pixels(string path)
    {
        using var image = Image.Load<Rgb24>(path);
        var bytes = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(bytes);
        return Convert.ToBase64String(bytes);
    }
}
