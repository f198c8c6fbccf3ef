using Easel.Engine.Pipelines;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit.Abstractions;

namespace Easel.Engine.Tests.Pipelines;

/// <summary>
/// count &gt; 1 as one UNet batch (2×count with guidance) must give the images sequential runs give. Tolerance: at most
/// 1 of 255 per channel, for ONNX Runtime kernels whose summation order may depend on the batch size; on this CPU every
/// fixture so far has come out identical, which the test prints.
/// </summary>
public class BatchingTests(ITestOutputHelper output)
{
    private static EaselEngine Engine(TempDir dir, int unetBatch) => new(new EaselOptions
    {
        ModelsPath = RepoPaths.FixtureModels,
        OutputDirectory = dir.Path,
        ExecutionProvider = "cpu",
        UnetBatch = unetBatch,
    });

    public static TheoryData<string, string> Models => new()
    {
        { "sd15-optimum", "euler_a" },     // stochastic: each image keeps its own noise stream inside the batch
        { "sd15-olive-fp16", "ddim" },     // batch axis fixed at 1 and fp16: the batch runs as slices of one binding
        { "sdxl", "dpmpp_2m" },            // text_embeds and time_ids per batch item; multistep scheduler state per image
        { "sd15-inpaint", "ddim" },        // 9 channels: mask and masked latents appended to every image
        { "lcm", "lcm" },                  // timestep_cond per batch item, no guidance batch
    };

    [Theory]
    [MemberData(nameof(Models))]
    public async Task BatchedImagesEqualSequentialOnesForTheSameSeeds(string model, string scheduler)
    {
        var request = new GenerateRequest
        {
            Prompt = "a red circle",
            NegativePrompt = "blurry",
            Model = model,
            Width = 64,
            Height = 48,
            Steps = 3,
            Seed = 40,
            Count = 3,
            Scheduler = scheduler,
        };
        using var sequentialDir = new TempDir();
        using var batchedDir = new TempDir();
        using var sequential = Engine(sequentialDir, 1);
        using var batched = Engine(batchedDir, 3);
        var one = await sequential.GenerateAsync(request);
        var all = await batched.GenerateAsync(request);
        AssertSameImages(model, one, all);
    }

    [Fact]
    public async Task ABatchOfTwoThenARemainderOfOneEqualsSequentialAndEditsBatchToo()
    {
        using var dir = new TempDir();
        using var sequential = Engine(dir, 1);
        using var paired = Engine(dir, 2);
        var source = (await sequential.GenerateAsync(new GenerateRequest { Prompt = "a red circle", Model = "sd15-optimum", Width = 64, Height = 64, Steps = 3, Seed = 11 })).Images[0];
        var edit = new EditRequest
        {
            Generation = new GenerateRequest { Prompt = "a green square", Model = "sd15-optimum", Steps = 5, Seed = 3, Count = 3, Scheduler = "euler_a" },
            Image = source.Path,
            Strength = 0.6,
        };
        AssertSameImages("restyle", await sequential.RestyleAsync(edit), await paired.RestyleAsync(edit));
        var mask = Path.Combine(dir.Path, "mask-input.png");
        using (var m = new Image<L8>(64, 64))
        {
            for (int y = 8; y < 40; y++)
                for (int x = 8; x < 40; x++)
                    m[x, y] = new L8(255);
            m.SaveAsPng(mask);
        }
        AssertSameImages("inpaint", await sequential.InpaintAsync(edit with { Mask = mask }), await paired.InpaintAsync(edit with { Mask = mask }));
    }

    [Fact]
    public async Task BatchedProgressCountsEveryImageAndOnlyGrows()
    {
        using var dir = new TempDir();
        using var engine = Engine(dir, 4);
        var seen = new List<GenerationProgress>();
        await engine.GenerateAsync(new GenerateRequest { Prompt = "x", Model = "sd15-optimum", Width = 64, Height = 64, Steps = 4, Seed = 1, Count = 3, Scheduler = "ddim" },
            new SyncProgress(p => { if (p.Stage == "denoising") seen.Add(p); }));
        Assert.Equal([1, 2, 3, 4], seen.Select(p => p.Step));
        Assert.All(seen, p => Assert.Equal((0, 3, 3), (p.Image, p.Batch, p.Images)));
        Assert.Equal([3, 6, 9, 12], seen.Select(p => p.Completed));
        Assert.Equal(12, seen[^1].Total);
    }

    [Fact]
    public void BatchOutsideItsRangeIsRefusedNamingTheSetting()
    {
        var ex = Assert.Throws<EaselException>(() => new EaselEngine(new EaselOptions { UnetBatch = -1, ExecutionProvider = "cpu" }));
        Assert.Contains("UnetBatch", ex.Message, StringComparison.Ordinal);
        Assert.Contains("0–64", ex.Message, StringComparison.Ordinal);
    }

    private void AssertSameImages(string what, GenerationResult expected, GenerationResult actual)
    {
        Assert.Equal(expected.Images.Select(i => i.Seed), actual.Images.Select(i => i.Seed));
        int worst = 0;
        for (int i = 0; i < expected.Images.Count; i++)
        {
            var a = FixtureModelTests.Pixels(expected.Images[i].Path);
            var b = FixtureModelTests.Pixels(actual.Images[i].Path);
            Assert.Equal(a.Length, b.Length);
            for (int k = 0; k < a.Length; k++) worst = Math.Max(worst, Math.Abs(a[k] - b[k]));
        }
        output.WriteLine($"{what}: {expected.Images.Count} images, largest channel difference batched vs sequential: {worst}/255");
        Assert.True(worst <= 1, $"{what}: batched images differ from sequential ones by up to {worst}/255");
        // The images of one request differ from each other (each has its own seed), so equality above is not trivial.
        Assert.NotEqual(FixtureModelTests.Pixels(actual.Images[0].Path), FixtureModelTests.Pixels(actual.Images[1].Path));
    }
}
