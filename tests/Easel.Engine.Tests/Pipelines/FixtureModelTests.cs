using Easel.Engine.Imaging;
using Easel.Engine.Models;
using Easel.Engine.Pipelines;
using Easel.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Engine.Tests.Pipelines;

/// <summary>Each fixture copies a real exporter's exact I/O signature; the pipeline must run all of them to a PNG.</summary>
public class FixtureModelTests
{
    public static TheoryData<string> Fixtures => new()
    {
        "sd15-legacy", "sd15-optimum", "sd15-optimum124", "sd15-olive-fp16", "sd2-v", "sdxl", "sdxl-refiner", "sd15-inpaint", "lcm", "sd15-bf16", "sd-turbo",
    };

    internal static EaselEngine Engine(TempDir output, int workers = 1) => new(new EaselOptions
    {
        ModelsPath = RepoPaths.FixtureModels,
        OutputDirectory = output.Path,
        ExecutionProvider = "cpu",
        MaxConcurrentGenerations = workers,
    });

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task EveryExporterSignatureRunsEndToEndToAPngOfTheRightSize(string fixture)
    {
        using var output = new TempDir();
        using var engine = Engine(output);
        var result = await engine.GenerateAsync(new GenerateRequest
        {
            Prompt = "a (red:1.2) circle on a blue background",
            NegativePrompt = "blurry",
            Model = fixture,
            Width = 64,
            Height = 48,
            Steps = 3,
            Seed = 5,
        }).Within("GenerateAsync");
        var image = Assert.Single(result.Images);
        Assert.True(File.Exists(image.Path));
        using var png = Image.Load<Rgb24>(image.Path);
        Assert.Equal((64, 48), (png.Width, png.Height));
        Assert.Equal(5, image.Seed);
        var text = PngCodec.ReadText(File.ReadAllBytes(image.Path));
        Assert.Contains("Seed: 5", text["parameters"]);
        Assert.Contains("Size: 64x48", text["parameters"]);
        Assert.Equal(fixture, PngCodec.ReadMetadata(File.ReadAllBytes(image.Path))!.Model);
        // The pixels carry signal from the model (not a constant image).
        var distinct = new HashSet<Rgb24>();
        png.ProcessPixelRows(rows => { for (int y = 0; y < rows.Height; y++) foreach (var p in rows.GetRowSpan(y)) distinct.Add(p); });
        Assert.True(distinct.Count > 4, $"only {distinct.Count} distinct colours");
    }

    [Fact]
    public void CapabilitiesAreReadFromFilesAndMetadata()
    {
        using var output = new TempDir();
        using var engine = Engine(output);
        ModelCapabilities Caps(string name) => engine.Models.Get(name).Capabilities;

        Assert.Equal(ModelFamily.SD1, Caps("sd15-legacy").Family);
        Assert.Equal(0.18215f, Caps("sd15-legacy").VaeScalingFactor);
        Assert.Equal("pndm", Caps("sd15-legacy").DefaultScheduler);
        Assert.Equal(ModelFamily.SD2, Caps("sd2-v").Family);
        Assert.Equal("v_prediction", Caps("sd2-v").PredictionType);
        Assert.Equal(ModelFamily.SDXL, Caps("sdxl").Family);
        Assert.Equal(0.13025f, Caps("sdxl").VaeScalingFactor);
        Assert.True(Caps("sdxl").ForceZerosForEmptyPrompt);
        Assert.False(Caps("sdxl").IsRefiner);
        Assert.True(Caps("sdxl-refiner").IsRefiner);          // time_ids [B,5], second text encoder only
        Assert.Equal(ModelFamily.SDXL, Caps("sdxl-refiner").Family);
        Assert.False(Caps("sdxl-refiner").ForceZerosForEmptyPrompt);
        Assert.Equal(9, Caps("sd15-inpaint").UnetInputChannels);
        Assert.True(Caps("sd15-inpaint").IsInpaintModel);
        Assert.True(Caps("lcm").IsLcm);
        Assert.Equal(256, Caps("lcm").TimestepCondDim);
        Assert.Equal("lcm", Caps("lcm").DefaultScheduler);
        Assert.Equal("float16", Caps("sd15-olive-fp16").UnetDtype);
        Assert.Equal("bfloat16", Caps("sd15-bf16").UnetDtype);
        Assert.False(Caps("sd15-optimum").IsLcm);
        var turbo = Caps("sd-turbo");                          // Euler with trailing spacing: one step, no CFG
        Assert.True(turbo.IsTurbo);
        Assert.Equal((1, 0.0), (turbo.DefaultSteps, turbo.DefaultGuidance));
        Assert.False(turbo.UsesNegativePrompt);
        Assert.False(Caps("sd15-optimum").IsTurbo);
        Assert.Equal(4, Caps("sd15-optimum").LatentChannels);
    }

    [Fact]
    public async Task SeedsAreReproducibleAndImageIUsesSeedPlusI()
    {
        using var output = new TempDir();
        using var engine = Engine(output);
        var request = new GenerateRequest { Prompt = "a cat", Model = "sd15-optimum", Width = 64, Height = 64, Steps = 4, Seed = 100, Count = 2, Scheduler = "euler_a" };
        var pair = await engine.GenerateAsync(request).Within("GenerateAsync");
        var again = await engine.GenerateAsync(request with { Count = 1 }).Within("GenerateAsync");
        var second = await engine.GenerateAsync(request with { Count = 1, Seed = 101 }).Within("GenerateAsync");

        Assert.Equal([100L, 101L], pair.Images.Select(i => i.Seed));
        Assert.Equal(Pixels(pair.Images[0].Path), Pixels(again.Images[0].Path));
        Assert.Equal(Pixels(pair.Images[1].Path), Pixels(second.Images[0].Path));
        Assert.NotEqual(Pixels(pair.Images[0].Path), Pixels(pair.Images[1].Path));
        Assert.Equal(4, output.Files.Length); // never overwritten: four distinct files
    }

    [Fact]
    public async Task ProgressIsReportedOncePerStepAndCancellationStopsWithinAStep()
    {
        using var output = new TempDir();
        using var engine = Engine(output);
        var steps = new List<int>();
        var progress = new SyncProgress(p => { if (p.Stage == "denoising") steps.Add(p.Step); });
        await engine.GenerateAsync(new GenerateRequest { Prompt = "x", Model = "sd15-optimum", Width = 64, Height = 64, Steps = 6, Seed = 1, Scheduler = "euler" }, progress).Within("GenerateAsync");
        Assert.Equal([1, 2, 3, 4, 5, 6], steps);

        using var cts = new CancellationTokenSource();
        var seen = new List<int>();
        var cancelling = new SyncProgress(p =>
        {
            if (p.Stage != "denoising") return;
            seen.Add(p.Step);
            if (p.Step == 2) cts.Cancel();
        });
        int before = output.Files.Length;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.GenerateAsync(
            new GenerateRequest { Prompt = "x", Model = "sd15-optimum", Width = 64, Height = 64, Steps = 20, Seed = 1 }, cancelling, cts.Token).Within("GenerateAsync"));
        Assert.Equal([1, 2], seen);
        Assert.Equal(before, output.Files.Length);
    }

    [Fact]
    public async Task TurboModelsRunOneUnguidedStepByDefaultAndSayTheNegativePromptIsIgnored()
    {
        using var output = new TempDir();
        using var engine = Engine(output);
        var steps = new List<int>();
        var result = await engine.GenerateAsync(new GenerateRequest { Prompt = "a cat", NegativePrompt = "blurry", Model = "sd-turbo", Width = 64, Height = 64, Seed = 2 },
            new SyncProgress(p => { if (p.Stage == "denoising") steps.Add(p.Step); })).Within("GenerateAsync");
        Assert.Equal([1], steps);
        Assert.Equal(0.0, result.Images[0].Metadata.Guidance);
        Assert.Contains(result.Warnings, w => w.StartsWith("negative_prompt: ignored", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LongPromptsAreChunkedNotRejected()
    {
        using var output = new TempDir();
        using var engine = Engine(output);
        var prompt = string.Join(" ", Enumerable.Repeat("a red circle", 60)); // 180 tokens: three chunks of 75
        var hiddenStates = new List<int[]>();
        engine.BeforeUnetCall = (inputs, _) => hiddenStates.Add(inputs["encoder_hidden_states"].Shape);
        var result = await engine.GenerateAsync(new GenerateRequest { Prompt = prompt, Model = "sd15-optimum", Width = 64, Height = 64, Steps = 2, Seed = 3 }).Within("GenerateAsync");
        Assert.Single(result.Images);
        Assert.Empty(result.Warnings); // nothing dropped
        // Every step's UNet call sees all three 77-token windows, concatenated (unconditional and conditional).
        Assert.NotEmpty(hiddenStates);
        Assert.All(hiddenStates, shape => Assert.Equal(new[] { 2, 3 * 77 }, shape[..2]));
    }

    [Fact]
    public async Task ConcurrentCallersShareOneSessionSafely()
    {
        using var output = new TempDir();
        using var engine = Engine(output, workers: 3);
        var request = new GenerateRequest { Prompt = "a cat", Model = "sd15-optimum", Width = 64, Height = 64, Steps = 3, Seed = 9 };
        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => engine.GenerateAsync(request).Within("GenerateAsync")));
        var pixels = results.Select(r => Pixels(r.Images[0].Path)).ToList();
        Assert.All(pixels, p => Assert.Equal(pixels[0], p));
    }

    internal static byte[] Pixels(string path)
    {
        using var image = Image.Load<Rgb24>(path);
        var bytes = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(bytes);
        return bytes;
    }
}

/// <summary>A synchronous IProgress (Progress&lt;T&gt; posts asynchronously, which races asserts).</summary>
internal sealed class SyncProgress(Action<GenerationProgress> report) : IProgress<GenerationProgress>
{
    public void Report(GenerationProgress value) => report(value);
}
