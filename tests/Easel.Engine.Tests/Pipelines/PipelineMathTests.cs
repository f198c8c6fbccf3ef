using Easel.Engine.Imaging;
using Easel.Engine.Pipelines;
using Easel.Engine.Tensors;
using Easel.Engine.Text;

namespace Easel.Engine.Tests.Pipelines;

public class PipelineMathTests
{
    [Fact]
    public void GuidanceRescaleMatchesTheConditionalStdAtPhiOneAndIsANoOpAtZero()
    {
        var cond = new float[] { 1, -1, 2, -2, 0.5f, -0.5f };
        var guided = cond.Select(v => v * 3f + 0.1f).ToArray();
        var untouched = (float[])guided.Clone();
        UnetRunner.RescaleGuidance(untouched, cond, 0);
        Assert.Equal(guided, untouched);

        var full = (float[])guided.Clone();
        UnetRunner.RescaleGuidance(full, cond, 1);
        Assert.Equal(Std(cond), Std(full), 4);
        var half = (float[])guided.Clone();
        UnetRunner.RescaleGuidance(half, cond, 0.5);
        for (int i = 0; i < half.Length; i++) Assert.Equal(0.5f * (guided[i] + full[i]), half[i], 4);
    }

    [Fact]
    public void LcmGuidanceEmbeddingIsSinusoidalInWTimes1000()
    {
        var e = UnetRunner.GuidanceEmbedding(7.5, 256, 2);
        Assert.Equal([2, 256], e.Shape);
        // First frequency is 1: sin(7500), cos(7500); the last is 1/10000.
        Assert.Equal(Math.Sin(7500), e.Data[0], 4);
        Assert.Equal(Math.Cos(7500), e.Data[128], 4);
        Assert.Equal(Math.Sin(7500 / 10000.0), e.Data[127], 4);
        Assert.Equal(e.Data.AsSpan(0, 256).ToArray(), e.Data.AsSpan(256, 256).ToArray());
        Assert.All(UnetRunner.GuidanceEmbedding(0, 8, 1).Data.Take(4), v => Assert.Equal(0f, v));
    }

    private static double Std(float[] x)
    {
        double m = x.Average(v => (double)v);
        return Math.Sqrt(x.Sum(v => (v - m) * (v - m)) / (x.Length - 1));
    }

    [Fact]
    public void SpatialPadRepeatsEdgesAndCropUndoesIt()
    {
        var t = new Tensor([1, 2, 3, 4, 5, 6], 1, 1, 2, 3);
        var padded = t.PadSpatial(4, 4);
        Assert.Equal([1, 1, 4, 4], padded.Shape);
        Assert.Equal(new float[] { 1, 2, 3, 3, 4, 5, 6, 6, 4, 5, 6, 6, 4, 5, 6, 6 }, padded.Data);
        Assert.Equal(t.Data, padded.CropSpatial(2, 3).Data);
    }

    [Fact]
    public void ConcatenationsKeepItemsTogether()
    {
        var a = new Tensor([1, 2, 3, 4], 2, 1, 2); // [B=2, S=1, D=2]
        var b = new Tensor([5, 6, 7, 8], 2, 1, 2);
        Assert.Equal(new float[] { 1, 2, 5, 6, 3, 4, 7, 8 }, Tensor.ConcatSequence([a, b]).Data);
        Assert.Equal(new float[] { 1, 2, 5, 6, 3, 4, 7, 8 }, Tensor.ConcatChannelsLast([a, b]).Data);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, Tensor.ConcatBatch([a, b]).Data);
        Assert.Equal([4, 1, 2], Tensor.ConcatBatch([a, b]).Shape);
    }

    [Fact]
    public void A1111ParametersFollowTheCommonFormat()
    {
        var m = new ImageMetadata { Prompt = "a cat", NegativePrompt = "blurry", Model = "m", Width = 64, Height = 48, Steps = 20, Guidance = 7.5, Scheduler = "euler_a", Seed = 42 };
        var lines = m.ToA1111Parameters().Split('\n');
        Assert.Equal("a cat", lines[0]);
        Assert.Equal("Negative prompt: blurry", lines[1]);
        Assert.StartsWith("Steps: 20, Sampler: Euler a, CFG scale: 7.5, Seed: 42, Size: 64x48, Model: m", lines[2]);
        var roundTrip = ImageMetadata.FromJson(m.ToJson());
        Assert.Equal(m with { SourceImageHashes = null }, roundTrip! with { SourceImageHashes = null });
        Assert.Contains("\"engine_version\"", m.ToJson());
    }

    [Fact]
    public void MasksGrowFeatherAndPoolToTheLatentGrid()
    {
        var mask = new Mask(16, 16);
        mask.Values[8 * 16 + 8] = 1;
        var grown = mask.Grow(2);
        Assert.Equal(25, grown.Values.Count(v => v == 1));
        var feathered = grown.Feather(4);
        Assert.True(feathered[8, 8] < 1 && feathered[8, 8] > 0.3f);
        Assert.True(feathered[3, 8] > 0 && feathered[0, 0] < 0.01f);
        var grid = mask.ToLatentGrid(8);
        Assert.Equal(new float[] { 0, 0, 0, 1 }, grid);
        var composite = new Mask(2, 1, [1f, 0f]);
        using var gen = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(2, 1, new SixLabors.ImageSharp.PixelFormats.Rgb24(200, 0, 0));
        using var orig = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(2, 1, new SixLabors.ImageSharp.PixelFormats.Rgb24(0, 0, 200));
        using var result = composite.Composite(gen, orig);
        Assert.Equal(new SixLabors.ImageSharp.PixelFormats.Rgb24(200, 0, 0), result[0, 0]);
        Assert.Equal(new SixLabors.ImageSharp.PixelFormats.Rgb24(0, 0, 200), result[1, 0]);
    }

    [Fact]
    public void PromptComposerOrdersFieldsAppliesPresetsAndTrimsToTheWindow()
    {
        int Count(string s) => s.Split(new[] { ' ', ',' }, StringSplitOptions.RemoveEmptyEntries).Length;
        var c = PromptComposer.Compose(new PromptParts { Subject = "a lighthouse", Style = "watercolor", Lighting = "golden hour", Negatives = "text" }, "m", true, Count);
        Assert.StartsWith("a lighthouse, watercolor painting", c.Prompt);
        Assert.EndsWith("golden hour", c.Prompt);
        Assert.StartsWith("text, photograph", c.NegativePrompt);
        Assert.Equal("watercolor", c.Style);

        var noNeg = PromptComposer.Compose(new PromptParts { Subject = "a lighthouse", Negatives = "text" }, "turbo", false, Count);
        Assert.Equal("", noNeg.NegativePrompt);
        Assert.Contains(noNeg.Notes, n => n.Contains("negative prompt is left empty"));

        var longMood = string.Join(" ", Enumerable.Repeat("calm", 80));
        var trimmed = PromptComposer.Compose(new PromptParts { Subject = "a lighthouse", Mood = longMood }, "m", true, Count);
        Assert.Equal("a lighthouse", trimmed.Prompt);
        Assert.Contains(trimmed.Notes, n => n.StartsWith("dropped mood", StringComparison.Ordinal));
        Assert.Throws<EaselValidationException>(() => PromptComposer.Compose(new PromptParts { Subject = "x", Style = "vaporwave" }, "m", true, Count));
        Assert.Throws<EaselValidationException>(() => PromptComposer.Compose(new PromptParts { Subject = " " }, "m", true, Count));
        Assert.True(PromptComposer.StylePresets.Count >= 5);
    }

    [Fact]
    public void ModelsAreFoundThroughEaselModelsAndByPath()
    {
        // EASEL_MODELS comes in as configuration (a dictionary standing in for the environment), never by
        // mutating the process environment; the application's models/ (the bundled model) is searched first.
        var options = EaselConfiguration.FromEnvironment(new System.Collections.Hashtable { ["EASEL_MODELS"] = RepoPaths.FixtureModels });
        var roots = Models.ModelRegistry.DefaultSearchRoots(options.ModelsPath);
        Assert.Equal(Models.ModelRegistry.ApplicationModels, roots[0]);
        Assert.True(File.Exists(Path.Combine(roots[0], Models.ModelRegistry.BundledModelName, "model_index.json")));
        Assert.Equal(Path.GetFullPath(RepoPaths.FixtureModels), Path.GetFullPath(roots[1]));
        using var output = new TempDir();
        using var engine = new EaselEngine(new EaselOptions { OutputDirectory = output.Path, ExecutionProvider = "cpu" });
        Assert.Equal("sdxl", engine.Models.Get(RepoPaths.FixtureModel("sdxl")).Name);
        var notModel = Assert.Throws<EaselException>(() => engine.Models.Get(RepoPaths.FixtureModels));
        Assert.Contains("not a diffusers ONNX model", notModel.Message);
    }
}
