using System.Collections;
using Easel.Engine.Pipelines;

namespace Easel.Engine.Tests.Onnx;

/// <summary>Easel:Onnx settings, UnetBatch and WarmUp: read through EaselConfiguration, validated, and speed/memory only.</summary>
public class RuntimeOptionsTests
{
    [Fact]
    public void SettingsAreReadFromSectionAndFlatVariables()
    {
        var options = EaselConfiguration.FromEnvironment(new Hashtable
        {
            ["Easel__Onnx__IntraOpThreads"] = "1",
            ["Easel__Onnx__CpuMemoryArena"] = "true",
            ["Easel__Onnx__DisablePrepacking"] = "true",
            ["Easel__Onnx__ArenaSameAsRequested"] = "true",
            ["Easel__Onnx__MemoryPattern"] = "false",
            ["Easel__Onnx__ParallelSessionCreation"] = "false",
            ["Easel__Onnx__MallocMmapThreshold"] = "0",
            ["EASEL_GRAPH_OPTIMIZATION"] = "basic",
            ["EASEL_UNET_BATCH"] = "4",
            ["EASEL_WARM_UP"] = "true",
        });
        Assert.Equal(1, options.Onnx.IntraOpThreads);
        Assert.True(options.Onnx.CpuMemoryArena);
        Assert.True(options.Onnx.DisablePrepacking);
        Assert.True(options.Onnx.ArenaSameAsRequested);
        Assert.False(options.Onnx.MemoryPattern);
        Assert.False(options.Onnx.ParallelSessionCreation);
        Assert.Equal(0, options.Onnx.MallocMmapThreshold);
        Assert.Equal("basic", options.Onnx.GraphOptimization);
        Assert.Equal(4, options.UnetBatch);
        Assert.True(options.WarmUp);

        var defaults = EaselConfiguration.FromEnvironment(new Hashtable());
        Assert.Equal((0, "all", 0, false, false), (defaults.Onnx.IntraOpThreads, defaults.Onnx.GraphOptimization, defaults.UnetBatch, defaults.WarmUp, defaults.Onnx.CpuMemoryArena));
        Assert.Equal(1 << 20, defaults.Onnx.MallocMmapThreshold);
    }

    [Theory]
    [InlineData("fastest", "Onnx:GraphOptimization", "disabled, basic, extended, all")]
    [InlineData("threads", "Onnx:IntraOpThreads", "0–1024")]
    [InlineData("mmap", "Onnx:MallocMmapThreshold", "4096–33554432")]
    public void BadValuesAreRefusedNamingTheSettingAndWhatItTakes(string what, string field, string allowed)
    {
        var options = new EaselOptions { ExecutionProvider = "cpu" };
        if (what == "threads") options.Onnx.IntraOpThreads = -2;
        else if (what == "mmap") options.Onnx.MallocMmapThreshold = 64 << 20;
        else options.Onnx.GraphOptimization = what;
        var ex = Assert.Throws<EaselException>(() => new EaselEngine(options));
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
        Assert.Contains(allowed, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MemoryAndThreadSettingsChangeNoPixel()
    {
        var request = new GenerateRequest { Prompt = "a red circle", NegativePrompt = "blurry", Model = "sd15-optimum", Width = 64, Height = 64, Steps = 3, Seed = 8 };
        using var dir = new TempDir();
        using var defaults = new EaselEngine(new EaselOptions { ModelsPath = RepoPaths.FixtureModels, OutputDirectory = dir.Path, ExecutionProvider = "cpu" });
        var tuned = new EaselOptions { ModelsPath = RepoPaths.FixtureModels, OutputDirectory = dir.Path, ExecutionProvider = "cpu" };
        tuned.Onnx.IntraOpThreads = 1;
        tuned.Onnx.CpuMemoryArena = true;
        tuned.Onnx.ArenaSameAsRequested = true;
        tuned.Onnx.MemoryPattern = false;
        tuned.Onnx.ParallelSessionCreation = false;
        tuned.Onnx.DisablePrepacking = true;
        using var other = new EaselEngine(tuned);
        var a = await defaults.GenerateAsync(request);
        var b = await other.GenerateAsync(request);
        Assert.Equal(Pipelines.FixtureModelTests.Pixels(a.Images[0].Path), Pipelines.FixtureModelTests.Pixels(b.Images[0].Path));
    }

    [Fact]
    public async Task WarmUpLoadsAndRunsTheModelButSavesNothing()
    {
        using var dir = new TempDir();
        using var engine = new EaselEngine(new EaselOptions { ModelsPath = RepoPaths.FixtureModels, OutputDirectory = dir.Path, ExecutionProvider = "cpu" });
        var took = await engine.WarmUpAsync("sd15-optimum");
        Assert.True(took > TimeSpan.Zero);
        Assert.Empty(dir.Files);
        var result = await engine.GenerateAsync(new GenerateRequest { Prompt = "x", Model = "sd15-optimum", Steps = 2, Seed = 1 });
        Assert.Single(result.Images);
        await Assert.ThrowsAnyAsync<EaselException>(() => engine.WarmUpAsync("no-such-model"));
    }
}
