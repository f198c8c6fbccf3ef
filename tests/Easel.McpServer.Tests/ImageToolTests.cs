using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace Easel.McpServer.Tests;

[Collection(SharedServer.Name)]
public sealed class ImageToolTests(ServerFixture fixture)
{
    private InProcessServer Server => fixture.Server;
    private const int MaxResultBytes = 1_000_000;

    /// <summary>Checks what every image result must hold, and returns the full PNGs read back through the links.</summary>
    private async Task<List<byte[]>> AssertImageResultAsync(CallToolResult result, int expectedCount, string operation)
    {
        result.Ok();
        Assert.True(result.WireSize() < MaxResultBytes, $"result is {result.WireSize()} bytes");

        var text = Assert.IsType<TextContentBlock>(result.Content[0]).Text;
        var structured = result.Structured();
        Assert.Equal(operation, structured.GetProperty("operation").GetString());
        Assert.Equal(TestModel.Name, structured.GetProperty("model").GetString());
        var images = structured.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(expectedCount, images.Count);

        var previews = result.Content.OfType<ImageContentBlock>().ToList();
        var links = result.Content.OfType<ResourceLinkBlock>().ToList();
        Assert.Equal(expectedCount, links.Count);
        Assert.Equal(expectedCount, previews.Count); // default inline = preview
        var pngs = new List<byte[]>();
        for (int i = 0; i < expectedCount; i++)
        {
            var image = images[i];
            string id = image.GetProperty("id").GetString()!, path = image.GetProperty("path").GetString()!;
            Assert.Contains(id, text);
            Assert.True(File.Exists(path), path);
            Assert.StartsWith(Server.Output.Path, path);
            Assert.Equal($"easel://images/{id}", image.GetProperty("uri").GetString());
            Assert.Equal(image.GetProperty("uri").GetString(), links[i].Uri);
            Assert.Equal("image/png", links[i].MimeType);

            var (pw, ph) = TestImages.Decode(previews[i].DecodedData.Span);
            Assert.Equal(image.GetProperty("width").GetInt32(), pw); // small images are inlined at full size
            Assert.Equal(image.GetProperty("height").GetInt32(), ph);

            var read = await Server.Client.ReadResourceAsync(links[i].Uri);
            var blob = Assert.IsType<BlobResourceContents>(Assert.Single(read.Contents));
            Assert.Equal("image/png", blob.MimeType);
            var png = blob.DecodedData.ToArray();
            Assert.Equal(File.ReadAllBytes(path), png);
            Assert.Equal(links[i].Size, png.Length);
            pngs.Add(png);
        }
        return pngs;
    }

    private async Task<string> GenerateSourceAsync()
    {
        var result = (await Server.CallAsync("generate_image", new { prompt = "a red square", steps = 2, seed = 7 })).Ok();
        return result.ImageIds()[0];
    }

    [Fact]
    public async Task Generate_image_returns_summary_preview_link_and_structured_content()
    {
        var result = await Server.CallAsync("generate_image", new { prompt = "a blue circle", negative_prompt = "text", steps = 3, seed = 42, count = 2 });
        var pngs = await AssertImageResultAsync(result, 2, "txt2img");
        var s = result.Structured();
        Assert.Equal([42L, 43L], s.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("seed").GetInt64()));
        Assert.Equal("a blue circle", s.GetProperty("parameters").GetProperty("prompt").GetString());
        Assert.Equal("text", s.GetProperty("parameters").GetProperty("negative_prompt").GetString());
        Assert.Equal(3, s.GetProperty("parameters").GetProperty("steps").GetInt32());
        Assert.Equal(TestModel.Side, TestImages.Decode(pngs[0]).Width);
        Assert.NotEqual(pngs[0], pngs[1]); // different seeds, different images
    }

    [Fact]
    public async Task Same_seed_reproduces_the_image_in_a_new_file()
    {
        var a = (await Server.CallAsync("generate_image", new { prompt = "a tree", steps = 2, seed = 5 })).Ok();
        var b = (await Server.CallAsync("generate_image", new { prompt = "a tree", steps = 2, seed = 5 })).Ok();
        string pathA = a.Structured().GetProperty("images")[0].GetProperty("path").GetString()!;
        string pathB = b.Structured().GetProperty("images")[0].GetProperty("path").GetString()!;
        Assert.NotEqual(pathA, pathB); // never overwritten
        // Same pixels; the PNG bytes may differ in the label's creation time (XMP CreateDate), so compare decoded.
        Assert.Equal(Pixels(a.Content.OfType<ImageContentBlock>().Single().DecodedData.ToArray()), Pixels(b.Content.OfType<ImageContentBlock>().Single().DecodedData.ToArray()));
    }

    private static byte[] Pixels(byte[] png)
    {
        using var image = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgba32>(png);
        var pixels = new byte[image.Width * image.Height * 4];
        image.CopyPixelDataTo(pixels);
        return pixels;
    }

    [Fact]
    public async Task Inline_none_sends_no_image_and_full_sends_the_whole_png()
    {
        var none = (await Server.CallAsync("generate_image", new { prompt = "a cat", steps = 2, inline = "none" })).Ok();
        Assert.Empty(none.Content.OfType<ImageContentBlock>());
        Assert.Single(none.Content.OfType<ResourceLinkBlock>());
        Assert.Equal("none", none.Structured().GetProperty("inline").GetString());

        var full = (await Server.CallAsync("generate_image", new { prompt = "a cat", steps = 2, inline = "full" })).Ok();
        var path = full.Structured().GetProperty("images")[0].GetProperty("path").GetString()!;
        Assert.Equal(File.ReadAllBytes(path), full.Content.OfType<ImageContentBlock>().Single().DecodedData.ToArray());
        Assert.Equal("image/png", full.Content.OfType<ImageContentBlock>().Single().MimeType);
    }

    [Fact]
    public async Task Restyle_image_accepts_path_file_uri_data_uri_base64_and_easel_uri()
    {
        var sourcePath = Path.Combine(Server.Output.Path, "..", "source-" + Guid.NewGuid().ToString("N") + ".png");
        var png = TestImages.Gradient(64, 64);
        File.WriteAllBytes(sourcePath, png);
        try
        {
            var id = await GenerateSourceAsync();
            var references = new[]
            {
                Path.GetFullPath(sourcePath),
                new Uri(Path.GetFullPath(sourcePath)).AbsoluteUri,
                "data:image/png;base64," + Convert.ToBase64String(png),
                Convert.ToBase64String(png),
                $"easel://images/{id}",
            };
            foreach (var reference in references)
            {
                var result = await Server.CallAsync("restyle_image", new { image = reference, prompt = "watercolor", strength = 0.5, steps = 4, seed = 1 });
                await AssertImageResultAsync(result, 1, "img2img");
                Assert.Equal(0.5, result.Structured().GetProperty("parameters").GetProperty("strength").GetDouble());
            }
        }
        finally
        {
            File.Delete(sourcePath);
        }
    }

    [Fact]
    public async Task Inpaint_image_repaints_the_masked_area()
    {
        var id = await GenerateSourceAsync();
        using var mask = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.L8>(64, 64);
        for (int y = 16; y < 48; y++) for (int x = 16; x < 48; x++) mask[x, y] = new(255);
        using var stream = new MemoryStream();
        SixLabors.ImageSharp.ImageExtensions.SaveAsPng(mask, stream);
        var result = await Server.CallAsync("inpaint_image", new
        {
            image = $"easel://images/{id}",
            mask = "data:image/png;base64," + Convert.ToBase64String(stream.ToArray()),
            prompt = "a yellow star",
            steps = 3,
            seed = 3,
        });
        await AssertImageResultAsync(result, 1, "inpaint");
    }

    [Fact]
    public async Task Outpaint_image_grows_the_canvas()
    {
        var id = await GenerateSourceAsync();
        var result = await Server.CallAsync("outpaint_image", new { image = id, prompt = "a wide landscape", right = 32, bottom = 16, steps = 3, seed = 3 });
        await AssertImageResultAsync(result, 1, "outpaint");
        var image = result.Structured().GetProperty("images")[0];
        Assert.Equal(96, image.GetProperty("width").GetInt32());
        Assert.Equal(80, image.GetProperty("height").GetInt32());
    }

    [Fact]
    public async Task Create_variations_makes_count_images_with_consecutive_seeds()
    {
        var id = await GenerateSourceAsync();
        var result = await Server.CallAsync("create_variations", new { image = $"easel://images/{id}", count = 3, steps = 3, seed = 100 });
        await AssertImageResultAsync(result, 3, "variation");
        Assert.Equal([100L, 101L, 102L], result.Structured().GetProperty("images").EnumerateArray().Select(i => i.GetProperty("seed").GetInt64()));
        Assert.Equal("a red square", result.Structured().GetProperty("parameters").GetProperty("prompt").GetString()); // from the PNG
    }

    [Fact]
    public async Task List_models_reports_the_fixture_models_with_capabilities()
    {
        var result = (await Server.CallAsync("list_models", new { })).Ok();
        var s = result.Structured();
        Assert.Equal(TestModel.Name, s.GetProperty("default_model").GetString());
        var model = s.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == TestModel.Name);
        Assert.Equal(TestModel.Side, model.GetProperty("native_width").GetInt32());
        Assert.True(model.GetProperty("can_edit").GetBoolean());
        Assert.True(model.GetProperty("is_default").GetBoolean());
        Assert.Contains("sd15-inpaint", result.Text());
        Assert.True(s.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "sd15-inpaint").GetProperty("inpainting").GetBoolean());
    }

    [Fact]
    public async Task Compose_prompt_applies_a_preset_and_fits_the_token_window()
    {
        var result = (await Server.CallAsync("compose_prompt", new { subject = "a lighthouse on a cliff", style = "watercolor", lighting = "dusk", negatives = "people" })).Ok();
        var s = result.Structured();
        var prompt = s.GetProperty("prompt").GetString()!;
        Assert.StartsWith("a lighthouse on a cliff", prompt);
        Assert.Contains("dusk", prompt);
        Assert.Contains("people", s.GetProperty("negative_prompt").GetString());
        Assert.Equal("watercolor", s.GetProperty("style").GetString());
        Assert.InRange(s.GetProperty("token_count").GetInt32(), 5, s.GetProperty("token_limit").GetInt32());
        Assert.Contains(prompt, result.Text());
    }
}
