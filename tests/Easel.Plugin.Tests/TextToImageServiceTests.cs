using System.Text.Json;
using Easel.Engine.Imaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Services;
using Microsoft.SemanticKernel.TextToImage;

namespace Easel.Plugin.Tests;

/// <summary>SK's ITextToImageService, resolved from a kernel built with AddEaselImageGeneration and logging.</summary>
public class TextToImageServiceTests
{
    private static KernelHarness Harness(CapturingLoggerProvider logs) => new(more: b => b.Services.AddLogging(l => l.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)));

    [Fact]
    public async Task GenerateImageAsyncHonoursWidthAndHeightAndReturnsTheSavedFileUri()
    {
        var logs = new CapturingLoggerProvider();
        using var h = Harness(logs);
        var service = h.Kernel.GetRequiredService<ITextToImageService>();

        var uri = await service.GenerateImageAsync("a blue triangle", 64, 48, h.Kernel);

        var path = new Uri(uri).LocalPath;
        Assert.True(File.Exists(path), uri);
        Assert.StartsWith(h.Output.Path, path);
        Assert.Equal((64, 48), Pixels.SizeOf(path));
        Assert.Contains(logs.Records, r => r.Category == "Easel" && r.Message.Contains("txt2img 1 image(s) on " + TestModel.Name));
    }

    [Fact]
    public async Task GetImageContentsAsyncHonoursEaselSettingsAndFillsDataMimeTypeAndUri()
    {
        using var h = Harness(new CapturingLoggerProvider());
        var service = h.Kernel.GetRequiredService<ITextToImageService>();
        Assert.Equal(TestModel.Name, service.GetModelId());

        var settings = new EaselExecutionSettings { Seed = 31, Steps = 2, Count = 2, Width = 48, Height = 64, NegativePrompt = "blurry", Guidance = 5, Scheduler = "euler", ModelId = TestModel.Name };
        var images = await service.GetImageContentsAsync(new TextContent("a yellow moon"), settings, h.Kernel);

        Assert.Equal(2, images.Count);
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            Assert.Equal("image/png", image.MimeType);
            Assert.Equal(TestModel.Name, image.ModelId);
            Assert.True(image.Uri!.IsFile && File.Exists(image.Uri.LocalPath));
            var bytes = image.Data!.Value.ToArray();
            Assert.Equal(File.ReadAllBytes(image.Uri.LocalPath), bytes);
            var metadata = PngCodec.ReadMetadata(bytes)!;
            Assert.Equal((48, 64), (metadata.Width, metadata.Height));
            Assert.Equal(31 + i, metadata.Seed);
            Assert.Equal(2, metadata.Steps);
            Assert.Equal(5, metadata.Guidance);
            Assert.Equal("euler", metadata.Scheduler);
            Assert.Equal("blurry", metadata.NegativePrompt);
            Assert.Equal("a yellow moon", metadata.Prompt);
        }
    }

    [Fact]
    public async Task PlainSettingsExtensionDataIsReadLikeTheTypedSettings()
    {
        using var h = Harness(new CapturingLoggerProvider());
        var service = h.Kernel.GetRequiredService<ITextToImageService>();
        // What a JSON-configured prompt or SK's own extension produces: JsonElement values.
        var settings = JsonSerializer.Deserialize<PromptExecutionSettings>("""{"model_id": "sd15-optimum", "width": 32, "height": "40", "steps": 2, "seed": 77, "negative_prompt": "text"}""")!;

        var image = Assert.Single(await service.GetImageContentsAsync(new TextContent("a kite"), settings));
        var metadata = PngCodec.ReadMetadata(image.Data!.Value.ToArray())!;
        Assert.Equal((32, 40, 2, 77L, "text"), (metadata.Width, metadata.Height, metadata.Steps, metadata.Seed, metadata.NegativePrompt));
    }

    [Fact]
    public async Task BadSettingsFailWithAKernelExceptionNamingTheField()
    {
        using var h = Harness(new CapturingLoggerProvider());
        var service = h.Kernel.GetRequiredService<ITextToImageService>();

        var ex = await Assert.ThrowsAsync<KernelException>(() => service.GetImageContentsAsync(new TextContent("a kite"), new EaselExecutionSettings { Width = 50 }));
        Assert.Contains("width", ex.Message);
        Assert.Contains("multiple of 8", ex.Message);

        var settings = new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["steps"] = "many" } };
        ex = await Assert.ThrowsAsync<KernelException>(() => service.GetImageContentsAsync(new TextContent("a kite"), settings));
        Assert.Contains("steps", ex.Message);
        Assert.Empty(h.Output.Files);
    }

    [Fact]
    public void FrozenSettingsRefuseChangesAndClonesCopyEveryField()
    {
        var settings = new EaselExecutionSettings { Seed = 1, Steps = 2, Width = 8, Height = 16, Count = 3, Guidance = 4, Scheduler = "ddim", NegativePrompt = "x", ModelId = "m" };
        var clone = (EaselExecutionSettings)settings.Clone();
        Assert.Equal(JsonSerializer.Serialize(settings), JsonSerializer.Serialize(clone));
        settings.Freeze();
        Assert.Throws<InvalidOperationException>(() => settings.Seed = 5);
        clone.Seed = 5; // the clone is not frozen
        Assert.Equal(5, clone.Seed);
    }
}
