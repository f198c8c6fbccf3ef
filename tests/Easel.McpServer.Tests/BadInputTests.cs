using ModelContextProtocol.Protocol;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.McpServer.Tests;

[Collection(SharedServer.Name)]
public sealed class BadInputTests(ServerFixture fixture)
{
    private InProcessServer Server => fixture.Server;

    private async Task<string> ErrorAsync(string tool, object arguments)
    {
        var result = await Server.CallAsync(tool, arguments);
        Assert.True(result.IsError, $"{tool} accepted {System.Text.Json.JsonSerializer.Serialize(arguments)[..Math.Min(200, System.Text.Json.JsonSerializer.Serialize(arguments).Length)]}");
        Assert.Empty(result.Content.OfType<ImageContentBlock>());
        return result.Text();
    }

    [Fact]
    public async Task Bad_argument_values_name_the_argument_and_what_it_accepts()
    {
        Assert.Contains("steps: expected integer, got \"abc\"", await ErrorAsync("generate_image", new { prompt = "x", steps = "abc" }));
        Assert.Contains("steps: 5000 is outside the allowed range 1–1000", await ErrorAsync("generate_image", new { prompt = "x", steps = 5000 }));
        Assert.Contains("guidance: -1 is outside the allowed range 0–100", await ErrorAsync("generate_image", new { prompt = "x", guidance = -1 }));
        Assert.Contains("inline: \"huge\" is not one of none, preview, full", await ErrorAsync("generate_image", new { prompt = "x", inline = "huge" }));
        Assert.Contains("scheduler: \"warp\" is not one of", await ErrorAsync("generate_image", new { prompt = "x", scheduler = "warp" }));
        Assert.Contains("prompt: is required", await ErrorAsync("generate_image", new { steps = 2 }));
        Assert.Contains("negative: unknown argument", await ErrorAsync("generate_image", new { prompt = "x", negative = "y" }));
        Assert.Contains("resize: \"squash\" is not one of fit, fill, stretch", await ErrorAsync("restyle_image", new { image = "x", prompt = "x", resize = "squash" }));
        Assert.Contains("strength: 1.5 is outside the allowed range 0–1", await ErrorAsync("restyle_image", new { image = "x", prompt = "x", strength = 1.5 }));
        // Values the schema cannot express come back from the engine with the field and the rule.
        Assert.Contains("width", await ErrorAsync("generate_image", new { prompt = "x", width = 100 }));
        Assert.Contains("multiple of 8", await ErrorAsync("generate_image", new { prompt = "x", width = 100 }));
        Assert.Contains("left/right/top/bottom", await ErrorAsync("outpaint_image", new { image = await SourceIdAsync(), prompt = "x" }));
        Assert.Contains("model", await ErrorAsync("generate_image", new { prompt = "x", model = "no-such-model" }));
    }

    [Fact]
    public async Task Unreadable_and_non_image_inputs_are_refused_clearly()
    {
        var missing = Path.Combine(Path.GetTempPath(), "easel-missing-" + Guid.NewGuid().ToString("N"), "photo.png");
        Assert.Contains("not found", await ErrorAsync("restyle_image", new { image = missing, prompt = "x" }));
        Assert.Contains("not found", await ErrorAsync("restyle_image", new { image = new Uri(missing).AbsoluteUri, prompt = "x" }));

        var text = Path.Combine(Path.GetTempPath(), "easel-not-an-image-" + Guid.NewGuid().ToString("N") + ".png");
        File.WriteAllText(text, "this is not a picture, just some words in a file");
        try
        {
            Assert.Contains("not a recognised image", await ErrorAsync("restyle_image", new { image = text, prompt = "x" }));
            Assert.Contains("mask", await ErrorAsync("inpaint_image", new { image = $"easel://images/{await SourceIdAsync()}", mask = text, prompt = "x" }));
        }
        finally
        {
            File.Delete(text);
        }
        Assert.Contains("no image with id", await ErrorAsync("create_variations", new { image = "easel://images/easel-does-not-exist" }));
        Assert.Contains("not valid base64", await ErrorAsync("restyle_image", new { image = "data:image/png;base64,@@@@", prompt = "x" }));
    }

    [Fact]
    public async Task Huge_inputs_are_refused_before_decoding()
    {
        // Over the argument limit: refused by the schema check, with a hint to pass a path instead.
        var huge = new string('A', Mcp.Tools.Docs.MaxImageArgumentChars + 4);
        var message = await ErrorAsync("restyle_image", new { image = huge, prompt = "x" });
        Assert.Contains("image:", message);
        Assert.Contains("file:// URI", message);

        // Small bytes, huge pixels (a decompression bomb): refused from the header, before any pixel is decoded.
        using var bomb = new Image<L8>(2100, 2100);
        using var stream = new MemoryStream();
        bomb.SaveAsPng(stream);
        Assert.True(stream.Length < 200_000);
        var pixels = await ErrorAsync("restyle_image", new { image = Convert.ToBase64String(stream.ToArray()), prompt = "x" });
        Assert.Contains("megapixel limit", pixels);
    }

    [Fact]
    public async Task The_server_keeps_serving_after_errors()
    {
        for (int i = 0; i < 3; i++)
            await ErrorAsync("generate_image", new { prompt = "x", steps = -1 });
        (await Server.CallAsync("generate_image", new { prompt = "still alive", steps = 2 })).Ok();
    }

    private async Task<string> SourceIdAsync() =>
        (await Server.CallAsync("generate_image", new { prompt = "source", steps = 2 })).Ok().ImageIds()[0];
}
