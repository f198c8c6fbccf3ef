using System.Text.Json;
using Easel.Engine;
using Easel.Engine.Imaging;
using Easel.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace Easel.Plugin.Tests;

/// <summary>Every kernel function through <c>kernel.InvokeAsync</c> on a real (fixture) model.</summary>
public class PluginFunctionTests
{
    private static KernelArguments Txt2Img(string prompt, long seed, int count = 1) => new()
    {
        ["prompt"] = prompt,
        ["seed"] = seed,
        ["steps"] = TestModel.Steps,
        ["count"] = count,
    };

    private static ImageMetadata MetadataOf(string path) =>
        PngCodec.ReadMetadata(File.ReadAllBytes(path)) ?? throw new InvalidOperationException("no Easel metadata in " + path);

    [Fact]
    public async Task GenerateImageSavesDecodablePngsAndDescribesThemInJson()
    {
        using var h = new KernelHarness();
        var json = await h.InvokeJsonAsync("generate_image", Txt2Img("a red circle on blue", seed: 42, count: 2));

        Assert.Equal(TestModel.Name, json.GetProperty("model").GetString());
        Assert.Equal("txt2img", json.GetProperty("operation").GetString());
        Assert.Equal(TestModel.Steps, json.GetProperty("steps").GetInt32());
        var images = json.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(2, images.Count);
        Assert.Equal([42L, 43L], images.Select(i => i.GetProperty("seed").GetInt64()));
        foreach (var image in images)
        {
            var path = image.GetProperty("path").GetString()!;
            Assert.True(File.Exists(path), path);
            Assert.StartsWith(h.Output.Path, path);
            Assert.Equal(new Uri(path).AbsoluteUri, image.GetProperty("file_uri").GetString());
            Assert.StartsWith("file://", image.GetProperty("file_uri").GetString());
            Assert.Equal("easel://images/" + image.GetProperty("id").GetString(), image.GetProperty("uri").GetString());
            Assert.Equal((TestModel.Size, TestModel.Size), Pixels.SizeOf(path));
            Assert.Equal(TestModel.Size, image.GetProperty("width").GetInt32());
            Assert.Equal("a red circle on blue", MetadataOf(path).Prompt);
        }
        var summary = json.GetProperty("summary").GetString()!;
        Assert.Contains("2 images", summary);
        Assert.Contains(images[0].GetProperty("path").GetString()!, summary);
        Assert.Contains("seeds 42, 43", summary);
    }

    [Fact]
    public async Task TheSameSeedReproducesTheImageAndAnotherSeedDoesNot()
    {
        using var h = new KernelHarness();
        string PathOf(JsonElement json) => json.GetProperty("images")[0].GetProperty("path").GetString()!;
        var a = PathOf(await h.InvokeJsonAsync("generate_image", Txt2Img("a green square", seed: 7)));
        var b = PathOf(await h.InvokeJsonAsync("generate_image", Txt2Img("a green square", seed: 7)));
        var c = PathOf(await h.InvokeJsonAsync("generate_image", Txt2Img("a green square", seed: 8)));

        Assert.NotEqual(a, b); // files are never overwritten
        Assert.Equal(Pixels.Of(a), Pixels.Of(b));
        Assert.NotEqual(Pixels.Of(a), Pixels.Of(c));
    }

    [Fact]
    public async Task RestyleTakesAnEarlierResultByIdAndKeepsItsSize()
    {
        using var h = new KernelHarness();
        var source = (await h.InvokeJsonAsync("generate_image", Txt2Img("a house", seed: 1))).GetProperty("images")[0];

        var json = await h.InvokeJsonAsync("restyle_image", new KernelArguments
        {
            ["image"] = source.GetProperty("id").GetString(),
            ["prompt"] = "a house, watercolor",
            ["strength"] = 0.5,
            ["steps"] = 4,
            ["seed"] = 3,
        });
        var path = json.GetProperty("images")[0].GetProperty("path").GetString()!;
        var metadata = MetadataOf(path);
        Assert.Equal("img2img", metadata.Operation);
        Assert.Equal(0.5, metadata.Strength);
        Assert.Equal("a house, watercolor", metadata.Prompt);
        Assert.Equal((TestModel.Size, TestModel.Size), Pixels.SizeOf(path));
        Assert.NotEqual(Pixels.Of(source.GetProperty("path").GetString()!), Pixels.Of(path));
    }

    [Fact]
    public async Task InpaintRepaintsOnlyTheMaskedAreaGivenAsADataUri()
    {
        using var h = new KernelHarness();
        var sourcePath = (await h.InvokeJsonAsync("generate_image", Txt2Img("a field", seed: 2))).GetProperty("images")[0].GetProperty("path").GetString()!;

        var json = await h.InvokeJsonAsync("inpaint_image", new KernelArguments
        {
            ["image"] = new Uri(sourcePath).AbsoluteUri, // file:// URI
            ["mask"] = Pixels.DataUri(Pixels.MaskPng(64, 64, 16, 16, 48, 48)),
            ["prompt"] = "a tree",
            ["steps"] = TestModel.Steps,
            ["seed"] = 5,
        });
        var path = json.GetProperty("images")[0].GetProperty("path").GetString()!;
        Assert.Equal("inpaint", MetadataOf(path).Operation);
        var before = Pixels.Of(sourcePath);
        var after = Pixels.Of(path);
        int changedInside = 0;
        for (int y = 0; y < 64; y++)
            for (int x = 0; x < 64; x++)
            {
                bool inside = x >= 16 && x < 48 && y >= 16 && y < 48;
                if (!inside) Assert.Equal(before[y * 64 + x], after[y * 64 + x]);
                else if (!before[y * 64 + x].Equals(after[y * 64 + x])) changedInside++;
            }
        Assert.True(changedInside > 32 * 32 / 2, $"only {changedInside} masked pixels changed");
    }

    [Fact]
    public async Task OutpaintGrowsTheCanvasBySideAndKeepsTheOriginal()
    {
        using var h = new KernelHarness();
        var sourcePath = (await h.InvokeJsonAsync("generate_image", Txt2Img("a boat", seed: 4))).GetProperty("images")[0].GetProperty("path").GetString()!;

        var json = await h.InvokeJsonAsync("outpaint_image", new KernelArguments
        {
            ["image"] = sourcePath, // plain path
            ["left"] = 16,
            ["bottom"] = 8,
            ["prompt"] = "a boat on the sea",
            ["steps"] = TestModel.Steps,
            ["seed"] = 6,
        });
        var image = json.GetProperty("images")[0];
        var path = image.GetProperty("path").GetString()!;
        Assert.Equal((80, 72), Pixels.SizeOf(path));
        Assert.Equal(80, image.GetProperty("width").GetInt32());
        Assert.Equal("outpaint", MetadataOf(path).Operation);
        var before = Pixels.Of(sourcePath);
        var after = Pixels.Of(path);
        Assert.Equal(before[10 * 64 + 10], after[10 * 80 + 26]); // the original sits 16 px to the right, untouched
    }

    [Fact]
    public async Task VariationsReuseTheEmbeddedPromptWithConsecutiveSeeds()
    {
        using var h = new KernelHarness();
        var source = (await h.InvokeJsonAsync("generate_image", Txt2Img("a lighthouse at dusk", seed: 9))).GetProperty("images")[0];

        var json = await h.InvokeJsonAsync("create_variations", new KernelArguments
        {
            ["image"] = source.GetProperty("uri").GetString(), // easel://images/{id}
            ["count"] = 2,
            ["steps"] = TestModel.Steps,
            ["seed"] = 100,
        });
        var images = json.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(2, images.Count);
        Assert.Equal([100L, 101L], images.Select(i => i.GetProperty("seed").GetInt64()));
        foreach (var image in images)
        {
            var metadata = MetadataOf(image.GetProperty("path").GetString()!);
            Assert.Equal("variation", metadata.Operation);
            Assert.Equal("a lighthouse at dusk", metadata.Prompt);
        }
        Assert.StartsWith("Created 2 variations", json.GetProperty("summary").GetString());
    }

    [Fact]
    public async Task ListModelsShowsTheDefaultModelCapabilitiesAndPresets()
    {
        using var h = new KernelHarness();
        var json = await h.InvokeJsonAsync("list_models", new KernelArguments());

        Assert.Equal(TestModel.Name, json.GetProperty("default_model").GetString());
        var models = json.GetProperty("models").EnumerateArray().ToList();
        var model = models.Single(m => m.GetProperty("name").GetString() == TestModel.Name);
        Assert.True(model.GetProperty("is_default").GetBoolean());
        Assert.Equal(TestModel.Size, model.GetProperty("native_width").GetInt32());
        Assert.Equal("sd1", model.GetProperty("family").GetString());
        Assert.True(models.Single(m => m.GetProperty("name").GetString() == "sd15-inpaint").GetProperty("inpainting").GetBoolean());
        Assert.True(models.Single(m => m.GetProperty("name").GetString() == "lcm").GetProperty("few_step").GetBoolean());
        var presets = json.GetProperty("style_presets").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("watercolor", presets);
        Assert.Equal(Engine.Text.PromptComposer.StylePresets.Count, presets.Count);
        Assert.Contains("euler_a", json.GetProperty("schedulers").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task ComposePromptAppliesThePresetAndCountsTokens()
    {
        using var h = new KernelHarness();
        var json = await h.InvokeJsonAsync("compose_prompt", new KernelArguments
        {
            ["subject"] = "a lighthouse on a cliff",
            ["style"] = "watercolor",
            ["lighting"] = "golden hour",
            ["negatives"] = "people",
        });
        var preset = Engine.Text.PromptComposer.StylePresets["watercolor"];
        var prompt = json.GetProperty("prompt").GetString()!;
        Assert.StartsWith("a lighthouse on a cliff", prompt);
        Assert.Contains(preset.Positive, prompt);
        Assert.Contains("golden hour", prompt);
        var negative = json.GetProperty("negative_prompt").GetString()!;
        Assert.Contains("people", negative);
        Assert.Contains(preset.Negative, negative);
        int tokens = json.GetProperty("token_count").GetInt32();
        Assert.InRange(tokens, 10, 75);
        Assert.Equal(75, json.GetProperty("token_limit").GetInt32());
        Assert.Equal(TestModel.Name, json.GetProperty("model").GetString());
    }

    [Fact]
    public async Task ImageContentOptionReturnsPngBytesMimeTypeAndFileUri()
    {
        using var h = new KernelHarness(plugin: o => o.ReturnImageContent = true);
        var result = await h.InvokeAsync("generate_image", Txt2Img("a star", seed: 11));

        var image = result.GetValue<ImageContent>();
        Assert.NotNull(image);
        Assert.Equal("image/png", image.MimeType);
        Assert.NotNull(image.Data);
        Assert.NotNull(image.Uri);
        Assert.True(image.Uri.IsFile && File.Exists(image.Uri.LocalPath));
        Assert.Equal(File.ReadAllBytes(image.Uri.LocalPath), image.Data.Value.ToArray());
        Assert.Equal(TestModel.Size * TestModel.Size, Pixels.Of(image.Data.Value.ToArray()).Length);
        Assert.Equal(11L, image.Metadata!["seed"]);
        Assert.Contains("\"seed\":11", (string)image.Metadata["summary"]!);
    }

    public static TheoryData<string, string, object, string[]> BadInputs => new()
    {
        { "generate_image", "width", 65, ["width", "multiple of 8"] },
        { "generate_image", "steps", 0, ["steps", "1–1000"] },
        { "generate_image", "model", "no-such-model", ["unknown model 'no-such-model'", TestModel.Name] },
        { "generate_image", "scheduler", "warp", ["scheduler"] },
        { "restyle_image", "image", "/nowhere/missing.png", ["image", "/nowhere/missing.png"] },
        { "restyle_image", "strength", 1.5, ["strength", "0–1"] },
        { "restyle_image", "resize", "squash", ["resize", "fit, fill, stretch"] },
        { "inpaint_image", "mask", "not-an-image-reference", ["mask"] },
        { "outpaint_image", "left", 0, ["extend at least one side"] },
        { "outpaint_image", "left", 12, ["left", "multiple of 8"] },
        { "create_variations", "count", 40, ["count", "1–16"] },
        { "compose_prompt", "style", "no-such-style", ["unknown preset", "watercolor"] },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task BadInputFailsWithAKernelExceptionThatNamesTheProblem(string function, string argument, object value, string[] expected)
    {
        using var h = new KernelHarness();
        var source = (await h.InvokeJsonAsync("generate_image", Txt2Img("a cat", seed: 1))).GetProperty("images")[0].GetProperty("path").GetString()!;
        var arguments = function switch
        {
            "generate_image" => new KernelArguments { ["prompt"] = "a cat", ["steps"] = 1 },
            "compose_prompt" => new KernelArguments { ["subject"] = "a cat" },
            "outpaint_image" => new KernelArguments { ["image"] = source, ["prompt"] = "a cat", ["steps"] = 1, ["top"] = 0 },
            _ => new KernelArguments { ["image"] = source, ["prompt"] = "a cat", ["steps"] = 1 },
        };
        arguments[argument] = value;

        var ex = await Assert.ThrowsAsync<KernelException>(() => h.InvokeAsync(function, arguments));
        foreach (var text in expected) Assert.Contains(text, ex.Message);
        Assert.DoesNotContain(h.Output.Files, f => f != source && f.EndsWith(".png", StringComparison.Ordinal)); // nothing half-written
    }

    [Fact]
    public async Task AMissingRequiredArgumentIsRefusedBeforeAnythingRuns()
    {
        using var h = new KernelHarness();
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => h.InvokeAsync("generate_image", new KernelArguments()));
        Assert.True(ex is KernelException or ArgumentException, ex.GetType().Name);
        Assert.Contains("prompt", ex.Message);
        Assert.Empty(h.Output.Files);
    }

    [Fact]
    public void EveryFunctionAndParameterIsDescribedForTheModel()
    {
        using var h = new KernelHarness();
        var plugin = h.Kernel.Plugins[EaselPlugin.DefaultName];
        Assert.Equal(
            new[] { "compose_prompt", "create_variations", "generate_image", "inpaint_image", "list_models", "make_dataset", "make_grid", "outpaint_image", "restyle_image" },
            plugin.Select(f => f.Name).Order());
        foreach (var function in plugin)
        {
            Assert.False(string.IsNullOrWhiteSpace(function.Description), function.Name);
            foreach (var parameter in function.Metadata.Parameters)
                Assert.False(string.IsNullOrWhiteSpace(parameter.Description), $"{function.Name}.{parameter.Name}");
        }
        // The schema a model sees names snake_case parameters (nothing C#-only such as the cancellation token).
        var generate = plugin["generate_image"].Metadata.Parameters.Select(p => p.Name).ToList();
        Assert.Contains("negative_prompt", generate);
        Assert.DoesNotContain("cancellationToken", generate);
    }

    [Fact]
    public async Task CancellationStopsAGeneration()
    {
        using var h = new KernelHarness();
        var limit = TimeSpan.FromMinutes(2); // only a hang gets near it
        using var gate = new StepGate(h.Kernel.Services.GetRequiredService<EaselEngine>(), holdAtCall: 2);
        using var cts = new CancellationTokenSource();
        var call = h.Kernel.InvokeAsync(EaselPlugin.DefaultName, "generate_image", Txt2Img("a cat", 1, count: 2), cts.Token);
        await gate.WaitUntilHeldAsync(limit); // the generation is running: step 1 done, step 2 held
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(limit));
        Assert.Equal(2, gate.Calls); // nothing ran past the held step
        Assert.Empty(h.Output.Files);
    }
}
