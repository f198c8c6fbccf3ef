using Easel.Engine.Provenance;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.McpServer.Tests.Responsible;

/// <summary>The invisible watermark is on by default for images made over MCP, not only through the CLI.</summary>
[Collection(SharedServer.Name)]
public sealed class WatermarkOverMcpTests(ServerFixture fixture)
{
    [Fact]
    public async Task An_image_generated_over_mcp_carries_the_watermark_and_a_plain_image_does_not()
    {
        var result = (await fixture.Server.CallAsync("generate_image", new { prompt = "a red circle", steps = 2, seed = 11 })).Ok();
        var path = result.Structured().GetProperty("images")[0].GetProperty("path").GetString()!;
        using var marked = Image.Load<Rgb24>(path);
        Assert.True(marked.Width >= InvisibleWatermark.MinimumSide, $"{marked.Width} px is too small to carry the mark");

        var found = InvisibleWatermark.Detect(marked);
        Assert.True(found.Detected, $"no watermark: known-bit accuracy {found.KnownBitAccuracy:F3}");

        // The detector is not just saying yes: a plain image of the same size reads as unmarked.
        using var plain = new Image<Rgb24>(marked.Width, marked.Height, new Rgb24(200, 60, 40));
        Assert.False(InvisibleWatermark.Detect(plain).Detected);
    }
}
