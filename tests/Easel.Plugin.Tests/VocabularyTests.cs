using Easel.Engine;
using Easel.Engine.Vocabulary;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.TextToImage;

namespace Easel.Plugin.Tests;

/// <summary>The SK and MEAI surfaces report the engine's vocabulary: the same field names and strings as MCP and the CLI.</summary>
public sealed class VocabularyTests
{
    private static readonly string[] ImageFields = ["id", "uri", "path", "file_uri", "seed", "width", "height"];

    [Fact]
    public async Task Sk_json_and_image_metadata_use_the_shared_image_field_names()
    {
        using var h = new KernelHarness();
        var json = await h.InvokeJsonAsync("generate_image", new KernelArguments { ["prompt"] = "a red circle", ["steps"] = 2, ["seed"] = 5 });
        var image = json.GetProperty("images")[0];
        Assert.Equal(ImageFields.Order(), image.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("easel://images/" + image.GetProperty("id").GetString(), image.GetProperty("uri").GetString());

        var models = JsonDocumentOf(await h.Kernel.InvokeAsync<string>(EaselPlugin.DefaultName, "list_models"));
        var model = models.GetProperty("models").EnumerateArray().First(m => m.GetProperty("name").GetString() == TestModel.Name);
        Assert.Equal("sd1", model.GetProperty("family").GetString());
        foreach (var field in new[] { "native_width", "native_height", "inpainting", "can_edit" })
            Assert.True(model.TryGetProperty(field, out _), "list_models lacks " + field);

        var contents = await h.Kernel.GetRequiredService<ITextToImageService>()
            .GetImageContentsAsync(new Microsoft.SemanticKernel.TextContent("a dot"), new EaselExecutionSettings { Steps = 2, Seed = 1 }, h.Kernel);
        foreach (var field in ImageFields)
            Assert.True(contents[0].Metadata!.ContainsKey(field), "ImageContent metadata lacks " + field);
    }

    [Fact]
    public async Task Openai_style_settings_are_refused_with_the_easel_name_not_ignored()
    {
        using var h = new KernelHarness();
        var service = h.Kernel.GetRequiredService<ITextToImageService>();
        var settings = new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["n"] = 2, ["steps"] = 2 } };
        var ex = await Assert.ThrowsAsync<KernelException>(() => service.GetImageContentsAsync(new Microsoft.SemanticKernel.TextContent("two dots"), settings, h.Kernel));
        Assert.Contains("n:", ex.Message);
        Assert.Contains("'count'", ex.Message);
        Assert.Empty(h.Output.Files);

        using var services = new ServiceCollection().AddEasel(o => TestModel.Apply(o, h.Output.Path)).BuildServiceProvider();
        var generator = services.GetRequiredService<IImageGenerator>();
        var options = new ImageGenerationOptions { AdditionalProperties = new AdditionalPropertiesDictionary { ["size"] = "64x64" } };
        var meai = await Assert.ThrowsAsync<EaselValidationException>(() => generator.GenerateAsync(new ImageGenerationRequest("a dot"), options));
        Assert.Equal("size", meai.Field);
        Assert.Empty(h.Output.Files);
    }

    [Fact]
    public async Task Meai_variations_default_to_the_shared_count_and_metadata_carries_the_uri()
    {
        using var h = new KernelHarness();
        using var services = new ServiceCollection().AddEasel(o => TestModel.Apply(o, h.Output.Path)).BuildServiceProvider();
        var generator = services.GetRequiredService<IImageGenerator>();
        var source = await generator.GenerateAsync(new ImageGenerationRequest("a dot"),
            new ImageGenerationOptions { AdditionalProperties = new AdditionalPropertiesDictionary { ["steps"] = 2 } });
        var first = source.Contents[0];
        foreach (var field in ImageFields)
            Assert.True(first.AdditionalProperties!.ContainsKey(field), "MEAI metadata lacks " + field);

        var varied = await generator.GenerateAsync(new ImageGenerationRequest("a dot", [first]),
            new ImageGenerationOptions { AdditionalProperties = new AdditionalPropertiesDictionary { ["operation"] = "variations", ["steps"] = 2 } });
        Assert.Equal(EaselLimits.DefaultVariationCount, varied.Contents.Count);
    }

    private static System.Text.Json.JsonElement JsonDocumentOf(string? json) => System.Text.Json.JsonDocument.Parse(json!).RootElement;
}
