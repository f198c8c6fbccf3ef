using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Easel.McpServer.Tests;

[Collection(SharedServer.Name)]
public sealed class ResourceAndPromptTests(ServerFixture fixture)
{
    private InProcessServer Server => fixture.Server;

    [Fact]
    public async Task Images_are_a_resource_template_and_recent_ones_are_listed()
    {
        var id = (await Server.CallAsync("generate_image", new { prompt = "listed", steps = 2 })).Ok().ImageIds()[0];

        var templates = await Server.Client.ListResourceTemplatesAsync();
        var template = Assert.Single(templates, t => t.UriTemplate == "easel://images/{id}");
        Assert.Equal("image/png", template.MimeType);

        var resources = await Server.Client.ListResourcesAsync();
        Assert.Contains(resources, r => r.Uri == $"easel://images/{id}" && r.MimeType == "image/png");
        Assert.Contains(resources, r => r.Uri == "easel://models");
        Assert.Contains(resources, r => r.Uri == "easel://images");

        var listing = Assert.IsType<TextResourceContents>(Assert.Single((await Server.Client.ReadResourceAsync("easel://images")).Contents));
        using var doc = JsonDocument.Parse(listing.Text);
        var newest = doc.RootElement.GetProperty("images")[0];
        Assert.Equal(id, newest.GetProperty("id").GetString());
        Assert.True(File.Exists(newest.GetProperty("path").GetString()));
    }

    [Fact]
    public async Task Models_resource_lists_the_models()
    {
        var text = Assert.IsType<TextResourceContents>(Assert.Single((await Server.Client.ReadResourceAsync("easel://models")).Contents)).Text;
        using var doc = JsonDocument.Parse(text);
        Assert.Equal(TestModel.Name, doc.RootElement.GetProperty("default_model").GetString());
        Assert.Contains(doc.RootElement.GetProperty("models").EnumerateArray(), m => m.GetProperty("name").GetString() == "sdxl");
    }

    [Fact]
    public async Task Unknown_image_ids_are_resource_errors_not_crashes()
    {
        var error = await Assert.ThrowsAnyAsync<McpException>(() => Server.Client.ReadResourceAsync("easel://images/easel-missing").AsTask());
        Assert.Contains("easel-missing", error.Message);
        var traversal = await Assert.ThrowsAnyAsync<McpException>(() => Server.Client.ReadResourceAsync("easel://images/..%2F..%2Fetc%2Fpasswd").AsTask());
        Assert.DoesNotContain("root:", traversal.Message);
    }

    [Fact]
    public async Task Prompts_compose_model_tuned_instructions()
    {
        var prompts = (await Server.Client.ListPromptsAsync()).Select(p => p.Name).Order().ToArray();
        Assert.Equal(["product_shot", "restyle_photo", "storyboard_frame"], prompts);

        var product = await Server.Client.GetPromptAsync("product_shot", new Dictionary<string, object?> { ["product"] = "a matte black water bottle" });
        var text = Assert.IsType<TextContentBlock>(Assert.Single(product.Messages).Content).Text;
        Assert.Contains("generate_image", text);
        Assert.Contains("a matte black water bottle", text);
        Assert.Contains("negative_prompt", text); // sd15 uses negatives
        Assert.Equal(Role.User, product.Messages[0].Role);

        var restyle = await Server.Client.GetPromptAsync("restyle_photo", new Dictionary<string, object?>
        {
            ["image"] = "/photos/harbour.jpg",
            ["style"] = "watercolor",
            ["subject"] = "a harbour with boats",
        });
        var restyleText = Assert.IsType<TextContentBlock>(restyle.Messages[0].Content).Text;
        Assert.Contains("restyle_image", restyleText);
        Assert.Contains("/photos/harbour.jpg", restyleText);
        Assert.Contains("watercolor", restyleText);

        var frame = await Server.Client.GetPromptAsync("storyboard_frame", new Dictionary<string, object?> { ["scene"] = "a courier runs through rain", ["frame"] = 3 });
        Assert.Contains("frame 3", Assert.IsType<TextContentBlock>(frame.Messages[0].Content).Text);
    }

    [Fact]
    public async Task Completions_suggest_models_styles_and_image_ids()
    {
        var models = await Server.Client.CompleteAsync(new PromptReference { Name = "product_shot" }, "model", "sd15-o");
        Assert.Equal(["sd15-olive-fp16", "sd15-optimum", "sd15-optimum124"], models.Completion.Values.Order());

        var styles = await Server.Client.CompleteAsync(new PromptReference { Name = "restyle_photo" }, "style", "water");
        Assert.Equal(["watercolor"], styles.Completion.Values);

        var id = (await Server.CallAsync("generate_image", new { prompt = "completed", steps = 2 })).Ok().ImageIds()[0];
        var ids = await Server.Client.CompleteAsync(new ResourceTemplateReference { Uri = "easel://images/{id}" }, "id", id[..^3]);
        Assert.Contains(id, ids.Completion.Values);

        var none = await Server.Client.CompleteAsync(new PromptReference { Name = "product_shot" }, "product", "a");
        Assert.Empty(none.Completion.Values);
    }
}
