using System.Text.Json;
using Easel.Engine.Models;
using Easel.Engine.Pipelines;
using Easel.Engine.Vocabulary;
using Easel.McpServer.Cli;

namespace Easel.McpServer.Tests;

/// <summary>MCP and the CLI report the engine's vocabulary: one name and one string form per fact.</summary>
[Collection(SharedServer.Name)]
public sealed class VocabularyTests(ServerFixture fixture)
{
    private static readonly string[] ImageFields = ["id", "uri", "path", "file_uri", "seed", "width", "height"];
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    private static async Task<JsonElement> CliJsonAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliApp.RunAsync([.. args, "--json", "--models", TestModel.ModelsPath, "--provider", "cpu"], stdout, stderr, CancellationToken.None).WaitAsync(Limit);
        Assert.True(code == 0, stderr.ToString());
        return JsonDocument.Parse(stdout.ToString()).RootElement;
    }

    [Fact]
    public async Task Cli_json_and_mcp_results_use_the_same_image_fields_and_model_strings()
    {
        using var output = new TempDir();
        var cli = await CliJsonAsync("generate", "a dot", "--steps", "2", "--seed", "4", "--out", output.Path);
        var mcp = (await fixture.Server.CallAsync("generate_image", new { prompt = "a dot", steps = 2, seed = 4 }).WaitAsync(Limit)).Ok().Structured();
        Assert.Equal(mcp.GetProperty("operation").GetString(), cli.GetProperty("operation").GetString());
        foreach (var field in ImageFields)
        {
            Assert.True(cli.GetProperty("images")[0].TryGetProperty(field, out _), "CLI --json lacks " + field);
            Assert.True(mcp.GetProperty("images")[0].TryGetProperty(field, out _), "MCP lacks " + field);
        }
        Assert.StartsWith("easel://images/", cli.GetProperty("images")[0].GetProperty("uri").GetString());

        var cliModels = await CliJsonAsync("models");
        var mcpModels = (await fixture.Server.CallAsync("list_models", new { }).WaitAsync(Limit)).Ok().Structured().GetProperty("models");
        var cliShapes = cliModels.EnumerateArray().First(m => m.GetProperty("name").GetString() == TestModel.Name);
        var mcpShapes = mcpModels.EnumerateArray().First(m => m.GetProperty("name").GetString() == TestModel.Name);
        Assert.Equal("sd1", cliShapes.GetProperty("family").GetString());
        Assert.Equal(mcpShapes.EnumerateObject().Select(p => p.Name).Where(n => n != "is_default").Order(),
            cliShapes.EnumerateObject().Select(p => p.Name).Where(n => n != "is_default").Order());
        foreach (var field in new[] { "native_width", "native_height", "inpainting", "can_edit" })
            Assert.True(mcpShapes.TryGetProperty(field, out _), field);
    }

    [Fact]
    public async Task Openai_style_arguments_are_refused_with_the_easel_name()
    {
        var result = await fixture.Server.CallAsync("generate_image", new { prompt = "two dots", n = 2 }).WaitAsync(Limit);
        Assert.True(result.IsError);
        Assert.Contains("n: is OpenAI's name for the number of images; Easel calls it 'count'.", result.Text());
    }

    [Fact]
    public void Names_have_one_string_form_and_parse_in_one_place()
    {
        Assert.Equal(["sd1", "sd2", "sdxl"], Enum.GetValues<ModelFamily>().Select(ModelFamilies.Name));
        Assert.Equal(ResizeModes.Names, Enum.GetValues<ResizeMode>().Select(ResizeModes.Name));
        foreach (var mode in Enum.GetValues<ResizeMode>())
            Assert.Equal(mode, ResizeModes.Parse(ResizeModes.Name(mode).ToUpperInvariant()));
        Assert.Equal("resize", Assert.Throws<Engine.EaselValidationException>(() => ResizeModes.Parse("crop")).Field);
        Assert.Equal(ImageOperations.Img2Img, ImageOperations.Normalize("restyle"));
        Assert.Equal(ImageOperations.Variation, ImageOperations.Normalize("variations"));
        Assert.Equal(ImageOperations.Txt2Img, ImageOperations.Normalize("generate"));
        foreach (var op in Enum.GetValues<EditOperation>())
            Assert.Equal(op, ImageOperations.ParseEdit(ImageOperations.Name(op)));
    }
}
