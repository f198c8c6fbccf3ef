using System.Text.Json;
using Easel.Engine.Imaging;
using Easel.Engine.Onnx;
using Easel.Engine.Pipelines;
using Easel.Engine.Safety;
using Easel.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Engine.Tests.Responsible;

/// <summary>The safety checker in diffusers' ONNX signature, its CLIP preprocessing, and the off / flag / block modes.</summary>
public class SafetyCheckerTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3); // a hung run fails instead of stalling the suite

    private static readonly SessionOptionsFactory Cpu = new(ExecutionProviderKind.Cpu, NullLogger.Instance);

    [Fact]
    public void ClipPreprocessingMatchesCLIPImageProcessor()
    {
        // Golden from PIL + numpy as transformers' CLIPImageProcessor computes it (make_safety_checkers.py).
        var golden = Path.Combine(SafetyFixtures.Folder, "golden");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(golden, "clip_input.json")));
        using var image = Image.Load<Rgb24>(Path.Combine(golden, "gradient.png"));
        var pre = ClipImagePreprocessor.Load(Path.Combine(SafetyFixtures.Checker("never"), "feature_extractor", "preprocessor_config.json"));
        var (data, h, w) = pre.Process(image);
        Assert.Equal((224, 224), (h, w));
        var means = doc.RootElement.GetProperty("channel_means").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (int c = 0; c < 3; c++)
            Assert.InRange(data.Skip(c * h * w).Take(h * w).Average(v => (double)v) - means[c], -0.01, 0.01);
        // Bicubic kernels differ slightly between PIL and ImageSharp; geometry (crop offset, channel order) and
        // normalisation errors would be off by far more than this.
        foreach (var s in doc.RootElement.GetProperty("samples").EnumerateArray())
        {
            int c = s[0].GetInt32(), y = s[1].GetInt32(), x = s[2].GetInt32();
            Assert.InRange(data[(c * h * w) + (y * w) + x] - s[3].GetDouble(), -0.05, 0.05);
        }
    }

    [Fact]
    public void TheFixtureCheckersAnswerAsBuilt()
    {
        using var never = SafetyChecker.TryLoad(SafetyFixtures.Checker("never"), Cpu)!;
        using var always = SafetyChecker.TryLoad(SafetyFixtures.Checker("always"), Cpu)!;
        using var red = SafetyChecker.TryLoad(SafetyFixtures.Checker("red"), Cpu)!;
        using var redImage = new Image<Rgb24>(80, 48, new Rgb24(230, 20, 20));
        using var blueImage = new Image<Rgb24>(48, 80, new Rgb24(20, 20, 230));
        Assert.False(never.IsFlagged(redImage));
        Assert.True(always.IsFlagged(blueImage));
        // Flags only when the CLIP-normalised red channel outweighs blue: only true if mean/std and channels are right.
        Assert.True(red.IsFlagged(redImage));
        Assert.False(red.IsFlagged(blueImage));
        Assert.Null(SafetyChecker.TryLoad(RepoPaths.Root, Cpu)); // no checker there

        // The same graph under other names (pixel_values, decoded -> checked, flags): found by layout and dtype.
        using var renamed = SafetyChecker.TryLoad(SafetyFixtures.Checker("renamed"), Cpu)!;
        Assert.True(renamed.IsFlagged(redImage));
        Assert.False(renamed.IsFlagged(blueImage));
    }

    [Fact]
    public void ACheckerWithAnotherSignatureIsRefusedNamingItsInputs()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "safety_checker"));
        File.Copy(Path.Combine(RepoPaths.BundledModel, "vae_decoder", "model.onnx"), Path.Combine(dir.Path, "safety_checker", "model.onnx"));
        var ex = Assert.Throws<EaselException>(() => SafetyChecker.TryLoad(dir.Path, Cpu));
        Assert.Contains("no clip_input", ex.Message);
        Assert.Contains("Its inputs: latent_sample", ex.Message);
    }

    [Fact]
    public async Task BlockIsTheDefaultForAModelThatShipsACheckerAndNothingIsSaved()
    {
        using var dir = new TempDir();
        var model = SafetyFixtures.ModelWithChecker(dir.Path, "always");
        var log = new ListLoggerFactory();
        var output = Path.Combine(dir.Path, "out");
        using var engine = new EaselEngine(new EaselOptions { OutputDirectory = output, ExecutionProvider = "cpu" }, log);
        var ex = await Assert.ThrowsAsync<EaselSafetyException>(() => engine.GenerateAsync(new GenerateRequest { Prompt = "a red circle", Model = model, Seed = 3, Steps = 2, Count = 2 }).WaitAsync(Limit));
        Assert.Equal("safety checker: 2 of 2 image(s) flagged as unsafe and withheld; nothing was saved (Easel:SafetyChecker = block).", ex.Message);
        Assert.Empty(Directory.GetFiles(output, "*.png"));
        Assert.Equal(2, log.Lines.Count(l => l.StartsWith("safety checker: flagged image", StringComparison.Ordinal) && l.Contains("withheld (block)")));
        Assert.All(log.Lines, l => Assert.DoesNotContain("red circle", l)); // the audit line carries no prompt

        // The same folder with a checker that passes: saved, marked as checked.
        var ok = SafetyFixtures.ModelWithChecker(Path.Combine(dir.Path, "ok"), "never");
        var passed = await engine.GenerateAsync(new GenerateRequest { Prompt = "a red circle", Model = ok, Seed = 3, Steps = 2 }).WaitAsync(Limit);
        Assert.Equal("passed", Assert.Single(passed.Images).Metadata.Extra!["safety_checker"]);
        Assert.Equal("passed", PngCodec.ReadMetadata(File.ReadAllBytes(passed.Images[0].Path))!.Extra!["safety_checker"]);
        Assert.Empty(passed.Warnings);
    }

    [Fact]
    public async Task FlagSavesTheImageMarksItAndWarns()
    {
        using var dir = new TempDir();
        using var engine = new EaselEngine(new EaselOptions
        {
            OutputDirectory = dir.Path,
            ExecutionProvider = "cpu",
            SafetyChecker = "FLAG",
            SafetyCheckerPath = SafetyFixtures.Checker("always"),
        });
        var result = await engine.GenerateAsync(new GenerateRequest { Prompt = "a red circle", Seed = 3, Steps = 2 }).WaitAsync(Limit);
        var image = Assert.Single(result.Images);
        Assert.Equal("flagged", PngCodec.ReadMetadata(File.ReadAllBytes(image.Path))!.Extra!["safety_checker"]);
        Assert.Contains(result.Warnings, w => w.StartsWith("safety checker: image 0 (seed 3) was flagged as unsafe; saved", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OffNeverRunsTheCheckerAndWithoutOneNothingIsChecked()
    {
        using var dir = new TempDir();
        var model = SafetyFixtures.ModelWithChecker(dir.Path, "always");
        using var off = new EaselEngine(new EaselOptions { OutputDirectory = Path.Combine(dir.Path, "out"), ExecutionProvider = "cpu", SafetyChecker = "off" });
        var result = await off.GenerateAsync(new GenerateRequest { Prompt = "a red circle", Model = model, Seed = 3, Steps = 2 }).WaitAsync(Limit);
        Assert.False(Assert.Single(result.Images).Metadata.Extra!.ContainsKey("safety_checker"));
        Assert.Empty(result.Warnings);

        // The bundled model ships no checker and none is configured: images are not checked (and say so by omission).
        using var plain = new EaselEngine(new EaselOptions { OutputDirectory = Path.Combine(dir.Path, "out"), ExecutionProvider = "cpu" });
        var notChecked = await plain.GenerateAsync(new GenerateRequest { Prompt = "a red circle", Seed = 3, Steps = 2 }).WaitAsync(Limit);
        Assert.False(Assert.Single(notChecked.Images).Metadata.Extra!.ContainsKey("safety_checker"));
    }

    [Fact]
    public void BlockWithholdsOnlyTheFlaggedImagesOfASet()
    {
        using var red = SafetyChecker.TryLoad(SafetyFixtures.Checker("red"), Cpu)!;
        var run = new SafeguardRun(red, SafetyCheckerModes.Block, watermark: false, "m", NullLogger.Instance);
        using var redImage = new Image<Rgb24>(64, 64, new Rgb24(230, 20, 20));
        using var blueImage = new Image<Rgb24>(64, 64, new Rgb24(20, 20, 230));
        var metadata = new ImageMetadata { Prompt = "p", Model = "m", Width = 64, Height = 64, Steps = 1, Guidance = 1, Scheduler = "ddim", Seed = 7 };
        Assert.Null(run.Process(redImage, metadata, new RunTimings(), default));
        Assert.Equal("passed", run.Process(blueImage, metadata with { Seed = 8 }, new RunTimings(), default)!.Extra!["safety_checker"]);
        run.ThrowIfNothingKept(); // one was kept
        Assert.Equal("safety checker: image 0 (seed 7) was flagged as unsafe and withheld; it was not saved.", Assert.Single(run.Warnings));
    }

    [Fact]
    public void BadSettingsFailAtStartNamingTheKey()
    {
        Assert.Contains("Easel:SafetyChecker (EASEL_SAFETY_CHECKER): 'maybe' is not one of off, flag, block",
            Assert.Throws<EaselException>(() => new EaselEngine(new EaselOptions { SafetyChecker = "maybe" })).Message);
        Assert.Contains("Easel:SafetyCheckerPath (EASEL_SAFETY_CHECKER_PATH): folder",
            Assert.Throws<EaselException>(() => new EaselEngine(new EaselOptions { SafetyCheckerPath = "/no/such/checker" })).Message);
        var options = EaselConfiguration.FromEnvironment(new System.Collections.Hashtable
        {
            ["EASEL_SAFETY_CHECKER"] = "flag",
            ["EASEL_SAFETY_CHECKER_PATH"] = "/x",
            ["EASEL_WATERMARK"] = "false",
        });
        Assert.Equal(("flag", "/x", false), (options.SafetyChecker, options.SafetyCheckerPath, options.Watermark));
    }
}
