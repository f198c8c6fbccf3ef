using Easel.Engine.Imaging;
using Easel.Engine.Pipelines;
using Easel.McpServer.Mcp.Results;
using ModelContextProtocol.Protocol;

namespace Easel.McpServer.Tests;

/// <summary>The 1 MB result cap with images far larger than the fixture model makes.</summary>
public sealed class ImageResultBuilderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private GenerationResult Result(params (int Width, int Height, byte[] Png)[] images)
    {
        var generated = images.Select((image, i) =>
        {
            var id = $"easel-test-{i}";
            var path = Path.Combine(_dir.Path, id + ".png");
            File.WriteAllBytes(path, image.Png);
            var metadata = new ImageMetadata
            {
                Prompt = "noise",
                Model = "test",
                Width = image.Width,
                Height = image.Height,
                Steps = 20,
                Guidance = 7.5,
                Scheduler = "euler",
                Seed = 10 + i,
            };
            return new GeneratedImage(new StoredImage(id, path, image.Png.Length, DateTimeOffset.UtcNow), metadata);
        }).ToList();
        return new GenerationResult("test", generated, [], new GenerationTimings(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(0.5), 20, []));
    }

    [Fact]
    public void A_full_image_over_the_limit_falls_back_to_a_preview_with_a_note()
    {
        var png = TestImages.Noise(1024, 1024);
        Assert.True(png.Length > 2_000_000); // far over 1 MB even before base64
        var result = ImageResultBuilder.Build(Result((1024, 1024, png)), InlineMode.Full);

        Assert.True(ImageResultBuilder.Size(result) < 1_000_000);
        var preview = Assert.Single(result.Content.OfType<ImageContentBlock>());
        var (w, h) = TestImages.Decode(preview.DecodedData.Span);
        Assert.True(Math.Max(w, h) <= PreviewEncoder.MaxSide);
        Assert.Equal(w, h); // aspect kept
        var note = Assert.Single(result.Structured().GetProperty("notes").EnumerateArray()).GetString()!;
        Assert.Contains("does not fit the 1 MB", note);
        Assert.Contains(note, result.Text());
        Assert.Equal("easel://images/easel-test-0", Assert.Single(result.Content.OfType<ResourceLinkBlock>()).Uri);
    }

    [Fact]
    public void A_full_image_that_fits_is_sent_whole()
    {
        var png = TestImages.Gradient(300, 200);
        var result = ImageResultBuilder.Build(Result((300, 200, png)), InlineMode.Full);
        Assert.Equal(png, Assert.Single(result.Content.OfType<ImageContentBlock>()).DecodedData.ToArray());
        Assert.Empty(result.Structured().GetProperty("notes").EnumerateArray());
    }

    [Fact]
    public void Previews_are_downscaled_and_share_the_budget_between_images()
    {
        var images = Enumerable.Range(0, 6).Select(i => (900, 600, TestImages.Noise(900, 600, seed: i))).ToArray();
        var result = ImageResultBuilder.Build(Result(images), InlineMode.Preview);

        Assert.True(ImageResultBuilder.Size(result) < 1_000_000, $"{ImageResultBuilder.Size(result)} bytes");
        var previews = result.Content.OfType<ImageContentBlock>().ToList();
        Assert.Equal(6, previews.Count);
        foreach (var preview in previews)
        {
            var (w, h) = TestImages.Decode(preview.DecodedData.Span);
            Assert.True(w <= PreviewEncoder.MaxSide && w < 900, $"{w}x{h}");
            Assert.Equal(900.0 / 600, (double)w / h, 1);
        }
        Assert.Equal(6, result.Content.OfType<ResourceLinkBlock>().Count());
        Assert.Equal([10L, 11L, 12L, 13L, 14L, 15L], result.Structured().GetProperty("images").EnumerateArray().Select(i => i.GetProperty("seed").GetInt64()));
    }

    [Fact]
    public void Inline_none_has_links_and_text_only()
    {
        var result = ImageResultBuilder.Build(Result((64, 64, TestImages.Gradient(64, 64))), InlineMode.None);
        Assert.Empty(result.Content.OfType<ImageContentBlock>());
        Assert.Single(result.Content.OfType<ResourceLinkBlock>());
        Assert.Contains("easel-test-0", result.Text());
    }

    [Fact]
    public void Inline_modes_parse()
    {
        Assert.Equal(InlineMode.Preview, ImageResultBuilder.ParseInline("preview"));
        Assert.Equal(InlineMode.Preview, ImageResultBuilder.ParseInline(null));
        Assert.Equal(InlineMode.Full, ImageResultBuilder.ParseInline("FULL"));
        Assert.Equal(InlineMode.None, ImageResultBuilder.ParseInline("none"));
    }

    [Fact]
    public void Unknown_inline_mode_names_the_choices() =>
        Assert.Contains("none, preview, full", Assert.Throws<Engine.EaselValidationException>(() => ImageResultBuilder.ParseInline("big")).Message);
}
