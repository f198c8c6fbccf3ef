using Easel.Engine.Pipelines;

namespace Easel.Engine.Tests.Pipelines;

/// <summary>Bad input: a clear error naming the field and its range, and nothing written.</summary>
public class ValidationTests
{
    private static async Task<EaselException> Fails(GenerateRequest request)
    {
        using var output = new TempDir();
        using var engine = FixtureModelTests.Engine(output);
        var ex = await Assert.ThrowsAnyAsync<EaselException>(() => engine.GenerateAsync(request));
        Assert.Empty(output.Files);
        return ex;
    }

    private static GenerateRequest Valid => new() { Prompt = "a cat", Model = "sd15-optimum", Width = 64, Height = 64, Steps = 2, Seed = 1 };

    [Fact]
    public async Task UnknownModelListsTheKnownOnes()
    {
        var ex = await Fails(Valid with { Model = "no-such-model" });
        Assert.Contains("unknown model 'no-such-model'", ex.Message);
        Assert.Contains("sd15-optimum", ex.Message);
        Assert.Contains("sdxl", ex.Message);
    }

    [Theory]
    [InlineData(100, "width", "96 or 104")]
    [InlineData(0, "width", "range 8–2048")]
    [InlineData(4096, "width", "range 8–2048")]
    public async Task SizesMustBeValidMultiples(int width, string field, string expected)
    {
        var ex = await Fails(Valid with { Width = width });
        Assert.StartsWith(field + ":", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task StepsOutsideRange(int steps)
    {
        var ex = await Fails(Valid with { Steps = steps });
        Assert.Equal("steps", Assert.IsType<EaselValidationException>(ex).Field);
        Assert.Contains("1–1000", ex.Message);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-1.0)]
    [InlineData(double.PositiveInfinity)]
    public async Task GuidanceMustBeFiniteAndNonNegative(double guidance)
    {
        var ex = await Fails(Valid with { Guidance = guidance });
        Assert.Equal("guidance", Assert.IsType<EaselValidationException>(ex).Field);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(17)]
    public async Task CountOutsideRange(int count)
    {
        var ex = await Fails(Valid with { Count = count });
        Assert.Contains("count: ", ex.Message);
        Assert.Contains("1–16", ex.Message);
    }

    [Fact]
    public async Task UnknownSchedulerListsValidOnes()
    {
        var ex = await Fails(Valid with { Scheduler = "heun9000" });
        Assert.StartsWith("scheduler:", ex.Message);
        foreach (var name in new[] { "ddim", "euler", "euler_a", "dpmpp_2m", "lcm", "pndm" })
            Assert.Contains(name, ex.Message);
    }

    [Fact]
    public async Task MissingOrCorruptOnnxFileIsNamed()
    {
        using var models = new TempDir();
        CopyDirectory(RepoPaths.FixtureModel("sd15-optimum"), Path.Combine(models.Path, "broken"));
        var unet = Path.Combine(models.Path, "broken", "unet", "model.onnx");
        File.WriteAllText(unet, "this is not an onnx file");
        CopyDirectory(RepoPaths.FixtureModel("sd15-optimum"), Path.Combine(models.Path, "missing"));
        File.Delete(Path.Combine(models.Path, "missing", "vae_decoder", "model.onnx"));

        using var output = new TempDir();
        using var engine = new EaselEngine(new EaselOptions { ModelsPath = models.Path, OutputDirectory = output.Path, ExecutionProvider = "cpu" });
        var corrupt = await Assert.ThrowsAnyAsync<EaselException>(() => engine.GenerateAsync(Valid with { Model = "broken" }));
        Assert.Contains(unet, corrupt.Message);
        var missing = await Assert.ThrowsAnyAsync<EaselException>(() => engine.GenerateAsync(Valid with { Model = "missing" }));
        Assert.Contains("vae_decoder", missing.Message);
        Assert.Empty(output.Files);
    }

    [Fact]
    public async Task UnavailableExecutionProviderIsAClearError()
    {
        using var output = new TempDir();
        using var engine = new EaselEngine(new EaselOptions { ModelsPath = RepoPaths.FixtureModels, OutputDirectory = output.Path, ExecutionProvider = "coreml" });
        var ex = await Assert.ThrowsAnyAsync<EaselException>(() => engine.GenerateAsync(Valid));
        Assert.Contains("coreml", ex.Message);
        Assert.Throws<EaselException>(() => new EaselEngine(new EaselOptions { ExecutionProvider = "warp-drive" }));
    }

    internal static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
