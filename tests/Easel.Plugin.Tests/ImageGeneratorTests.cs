using System.Drawing;
using Easel.Engine;
using Easel.Engine.Imaging;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Easel.Plugin.Tests;

/// <summary>MEAI's IImageGenerator resolved from DI with logging and OpenTelemetry middleware in the pipeline.</summary>
public sealed class ImageGeneratorTests : IDisposable
{
    private readonly TempDir _output = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ServiceProvider _services;
    private readonly IImageGenerator _generator;

    public ImageGeneratorTests()
    {
        var services = new ServiceCollection();
        services.AddLogging(l => l.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
        services.AddEasel(o => TestModel.Apply(o, _output.Path), generator => generator.UseLogging().UseOpenTelemetry());
        _services = services.BuildServiceProvider();
        _generator = _services.GetRequiredService<IImageGenerator>();
    }

    public void Dispose()
    {
        _services.Dispose();
        _output.Dispose();
    }

    private static ImageGenerationOptions Options(long seed, params (string Key, object? Value)[] extra)
    {
        var options = new ImageGenerationOptions { AdditionalProperties = new() { ["seed"] = seed, ["steps"] = TestModel.Steps } };
        foreach (var (key, value) in extra) options.AdditionalProperties[key] = value;
        return options;
    }

    private static ImageMetadata MetadataOf(AIContent content) =>
        PngCodec.ReadMetadata(File.ReadAllBytes((string)content.AdditionalProperties!["path"]!))!;

    [Fact]
    public void ThePipelineHasTheMiddlewareAndReportsEaselMetadata()
    {
        Assert.NotNull(_generator.GetService<LoggingImageGenerator>());
        Assert.NotNull(_generator.GetService<OpenTelemetryImageGenerator>());
        Assert.NotNull(_generator.GetService<EaselImageGenerator>());
        var metadata = _generator.GetService<ImageGeneratorMetadata>()!;
        Assert.Equal("easel", metadata.ProviderName);
        Assert.Equal(TestModel.Name, metadata.DefaultModelId);
        Assert.Same(_services.GetRequiredService<EaselEngine>(), _generator.GetService<EaselEngine>());
    }

    [Fact]
    public async Task GenerateImagesHonoursCountSizeModelJpegAndTheAdditionalProperties()
    {
        var options = Options(5, ("guidance", 4.5), ("negative_prompt", "fog"), ("scheduler", "ddim"));
        options.Count = 2;
        options.ImageSize = new Size(64, 48);
        options.MediaType = "image/jpeg";
        options.ModelId = TestModel.Name;

        var response = await _generator.GenerateImagesAsync("a red circle", options);

        Assert.Equal(2, response.Contents.Count);
        for (int i = 0; i < 2; i++)
        {
            var data = Assert.IsType<DataContent>(response.Contents[i]);
            Assert.Equal("image/jpeg", data.MediaType);
            Assert.Equal([0xFF, 0xD8], data.Data.Span[..2].ToArray()); // JPEG magic
            Assert.Equal(64 * 48, Pixels.Of(data.Data.ToArray()).Length);
            Assert.EndsWith(".jpg", data.Name);
            Assert.Equal(5L + i, data.AdditionalProperties!["seed"]);
            var metadata = MetadataOf(data);
            Assert.Equal((64, 48, 4.5, "fog", "ddim", TestModel.Steps), (metadata.Width, metadata.Height, metadata.Guidance, metadata.NegativePrompt, metadata.Scheduler, metadata.Steps));
        }
        Assert.IsType<Easel.Engine.Pipelines.GenerationResult>(response.RawRepresentation);
        // The logging middleware saw the call (and, at trace level, its options).
        Assert.Contains(_logs.Records, r => r.Category.Contains("LoggingImageGenerator") && r.Message.Contains("GenerateAsync"));
    }

    [Fact]
    public async Task PngDataIsTheSavedFileAndUriFormatPointsAtAFile()
    {
        var data = Assert.IsType<DataContent>(Assert.Single((await _generator.GenerateImagesAsync("a cube", Options(9))).Contents));
        Assert.Equal("image/png", data.MediaType);
        Assert.Equal(File.ReadAllBytes((string)data.AdditionalProperties!["path"]!), data.Data.ToArray());

        var options = Options(9);
        options.ResponseFormat = ImageGenerationResponseFormat.Uri;
        var uri = Assert.IsType<UriContent>(Assert.Single((await _generator.GenerateImagesAsync("a cube", options)).Contents));
        Assert.True(uri.Uri.IsFile && File.Exists(uri.Uri.LocalPath));
        Assert.Equal("image/png", uri.MediaType);
        Assert.Equal(Pixels.Of(data.Data.ToArray()), Pixels.Of(uri.Uri.LocalPath)); // same seed, same image
    }

    [Fact]
    public async Task WebpIsEncodedAndSavedBesideThePng()
    {
        var options = Options(3);
        options.MediaType = "image/webp";
        options.ResponseFormat = ImageGenerationResponseFormat.Uri;
        var uri = Assert.IsType<UriContent>(Assert.Single((await _generator.GenerateImagesAsync("a leaf", options)).Contents));

        Assert.Equal("image/webp", uri.MediaType);
        Assert.EndsWith(".webp", uri.Uri.LocalPath);
        var bytes = File.ReadAllBytes(uri.Uri.LocalPath);
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal("WEBP", System.Text.Encoding.ASCII.GetString(bytes, 8, 4));
        Assert.Equal(TestModel.Size * TestModel.Size, Pixels.Of(bytes).Length);
        Assert.True(File.Exists(Path.ChangeExtension(uri.Uri.LocalPath, ".png")));
    }

    [Fact]
    public async Task EditImageWithoutAMaskIsImageToImageAndWithAMaskIsInpainting()
    {
        var source = Assert.IsType<DataContent>(Assert.Single((await _generator.GenerateImagesAsync("a house", Options(1))).Contents));

        var restyled = Assert.Single((await _generator.EditImageAsync(source, "a house at night", Options(2, ("strength", 0.4)))).Contents);
        var restyle = MetadataOf(restyled);
        Assert.Equal(("img2img", 0.4, "a house at night"), (restyle.Operation, restyle.Strength, restyle.Prompt));

        var mask = new DataContent(Pixels.MaskPng(64, 64, 0, 0, 32, 64), "image/png");
        var inpainted = Assert.IsType<DataContent>(Assert.Single((await _generator.EditImageAsync(source, "a tree", Options(3, ("mask", mask)))).Contents));
        Assert.Equal("inpaint", MetadataOf(inpainted).Operation);
        var before = Pixels.Of(source.Data.ToArray());
        var after = Pixels.Of(inpainted.Data.ToArray());
        for (int y = 0; y < 64; y += 7)
            for (int x = 36; x < 64; x += 5) // the unmasked right half is kept exactly
                Assert.Equal(before[y * 64 + x], after[y * 64 + x]);
        Assert.NotEqual(before, after);
    }

    [Fact]
    public async Task HostedFormatReturnsEaselIdsThatLaterEditsAccept()
    {
        var options = Options(4);
        options.ResponseFormat = ImageGenerationResponseFormat.Hosted;
        var hosted = Assert.IsType<HostedFileContent>(Assert.Single((await _generator.GenerateImagesAsync("a road", options)).Contents));
        Assert.Equal(hosted.FileId, hosted.AdditionalProperties!["id"]);

        var outpaint = Options(5, ("operation", "outpaint"), ("left", 8), ("right", 8));
        var response = await _generator.EditImagesAsync([hosted], "a long road", outpaint);
        var metadata = MetadataOf(Assert.Single(response.Contents));
        Assert.Equal(("outpaint", 80, 64), (metadata.Operation, metadata.Width, metadata.Height));
    }

    [Fact]
    public async Task UnsupportedRequestsFailWithMessagesThatNameTheProblem()
    {
        var jpeg2000 = Options(1);
        jpeg2000.MediaType = "image/jp2";
        var ex = await Assert.ThrowsAsync<EaselValidationException>(() => _generator.GenerateImagesAsync("x", jpeg2000));
        Assert.Contains("image/png, image/jpeg or image/webp", ex.Message);

        ex = await Assert.ThrowsAsync<EaselValidationException>(() =>
            _generator.EditImagesAsync([new UriContent("https://example.com/a.png", "image/png")], "x", Options(1)));
        Assert.Contains("not fetched", ex.Message);

        ex = await Assert.ThrowsAsync<EaselValidationException>(() => _generator.GenerateImagesAsync("x", Options(1, ("steps", "lots"))));
        Assert.Equal("steps", ex.Field);
        Assert.Empty(_output.Files);
    }
}
