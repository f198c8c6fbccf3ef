using System.Text.Json;
using Easel.Engine.Schedulers;
using Easel.Engine.Text;
using Easel.McpServer.Mcp.Tools;
using ModelContextProtocol.Client;

namespace Easel.McpServer.Tests;

[Collection(SharedServer.Name)]
public sealed class ToolSchemaTests(ServerFixture fixture)
{
    private static readonly string[] ImageTools = ["generate_image", "restyle_image", "inpaint_image", "outpaint_image", "create_variations"];

    private async Task<Dictionary<string, McpClientTool>> ToolsAsync() =>
        (await fixture.Server.Client.ListToolsAsync()).ToDictionary(t => t.Name);

    private static JsonElement Property(McpClientTool tool, string name) =>
        tool.ProtocolTool.InputSchema.GetProperty("properties").GetProperty(name);

    private static string[] Required(McpClientTool tool) =>
        tool.ProtocolTool.InputSchema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()!).Order().ToArray() : [];

    private static string[] Enum(JsonElement property) =>
        property.GetProperty("enum").EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToArray();

    [Fact]
    public async Task Lists_exactly_the_tools_of_the_issue()
    {
        var names = (await ToolsAsync()).Keys.Order().ToArray();
        Assert.Equal(
            new[] { "cancel_dataset_job", "cancel_job", "compose_prompt", "create_variations", "generate_image", "get_dataset_job", "get_job", "inpaint_image", "list_models", "make_grid", "outpaint_image", "restyle_image", "start_dataset", "start_generation" },
            names);
    }

    [Fact]
    public async Task Required_arguments_are_the_ones_without_defaults()
    {
        var tools = await ToolsAsync();
        Assert.Equal(["prompt"], Required(tools["generate_image"]));
        Assert.Equal(["image", "prompt"], Required(tools["restyle_image"]));
        Assert.Equal(["image", "prompt"], Required(tools["inpaint_image"]));
        Assert.Equal(["image", "prompt"], Required(tools["outpaint_image"]));
        Assert.Equal(["image"], Required(tools["create_variations"]));
        Assert.Empty(Required(tools["list_models"]));
        Assert.Equal(["subject"], Required(tools["compose_prompt"]));
        Assert.Empty(Required(tools["start_generation"]));
        Assert.Equal(["job_id"], Required(tools["get_job"]));
        Assert.Equal(["job_id"], Required(tools["cancel_job"]));
        Assert.Equal(["prompt", "x_axis", "x_values"], Required(tools["make_grid"]));
        Assert.Equal(["out"], Required(tools["start_dataset"]));
        Assert.Equal(["job_id"], Required(tools["get_dataset_job"]));
        Assert.Equal(["job_id"], Required(tools["cancel_dataset_job"]));
    }

    [Fact]
    public async Task Every_argument_is_described_and_typed()
    {
        foreach (var tool in (await ToolsAsync()).Values)
        {
            Assert.False(string.IsNullOrWhiteSpace(tool.Description), tool.Name);
            foreach (var property in tool.ProtocolTool.InputSchema.GetProperty("properties").EnumerateObject())
            {
                Assert.True(property.Value.TryGetProperty("description", out var d) && d.GetString()!.Length > 10, $"{tool.Name}.{property.Name} has no description");
                Assert.True(property.Value.TryGetProperty("type", out _), $"{tool.Name}.{property.Name} has no type");
                Assert.Equal(property.Name, property.Name.ToLowerInvariant()); // snake_case
            }
        }
    }

    [Fact]
    public async Task Enums_ranges_and_defaults_are_in_the_schema()
    {
        var tools = await ToolsAsync();
        foreach (var name in ImageTools)
        {
            var tool = tools[name];
            Assert.Equal(["none", "preview", "full"], Enum(Property(tool, "inline")));
            Assert.Equal("preview", Property(tool, "inline").GetProperty("default").GetString());
            Assert.Equal(SchedulerFactory.Names.Order(), Enum(Property(tool, "scheduler")).Order());
            Assert.Equal(1, Property(tool, "steps").GetProperty("minimum").GetInt32());
            Assert.Equal(Docs.MaxSteps, Property(tool, "steps").GetProperty("maximum").GetInt32());
            Assert.Equal(0, Property(tool, "guidance").GetProperty("minimum").GetDouble());
            Assert.Equal(Docs.MaxCount, Property(tool, "count").GetProperty("maximum").GetInt32());
            Assert.Equal(0, Property(tool, "seed").GetProperty("minimum").GetInt64());
            if (name != "generate_image")
            {
                Assert.Equal(0.0, Property(tool, "strength").GetProperty("minimum").GetDouble());
                Assert.Equal(1.0, Property(tool, "strength").GetProperty("maximum").GetDouble());
            }
        }
        Assert.Equal(1, Property(tools["generate_image"], "count").GetProperty("default").GetInt32());
        Assert.Equal(4, Property(tools["create_variations"], "count").GetProperty("default").GetInt32());
        Assert.Equal(["fit", "fill", "stretch"], Enum(Property(tools["restyle_image"], "resize")));
        Assert.Equal(Docs.MaxSide, Property(tools["generate_image"], "width").GetProperty("maximum").GetInt32());
        Assert.Equal(50, Property(tools["get_job"], "wait_seconds").GetProperty("maximum").GetInt32());
        Assert.Equal(["generate", "restyle", "inpaint", "outpaint", "variations"], Enum(Property(tools["start_generation"], "operation")));
    }

    [Fact]
    public async Task Style_description_names_every_engine_preset()
    {
        var description = Property((await ToolsAsync())["compose_prompt"], "style").GetProperty("description").GetString()!;
        foreach (var preset in PromptComposer.StylePresets.Keys)
            Assert.Contains(preset, description);
        Assert.Equal(PromptComposer.StylePresets.Keys.Order(), Docs.StylePresetNames.Split(", ").Order());
    }

    [Fact]
    public async Task Annotations_are_set_truthfully()
    {
        var tools = await ToolsAsync();
        foreach (var tool in tools.Values)
        {
            var a = tool.ProtocolTool.Annotations!;
            Assert.False(a.OpenWorldHint ?? true, tool.Name);   // all local
            Assert.False(a.DestructiveHint ?? true, tool.Name); // nothing is ever overwritten or deleted
            Assert.False(string.IsNullOrEmpty(a.Title), tool.Name);
        }
        foreach (var name in ImageTools.Append("start_generation"))
        {
            var a = tools[name].ProtocolTool.Annotations!;
            Assert.False(a.ReadOnlyHint, name);
            Assert.False(a.IdempotentHint, name);
        }
        foreach (var name in new[] { "list_models", "compose_prompt", "get_job" })
        {
            Assert.True(tools[name].ProtocolTool.Annotations!.ReadOnlyHint, name);
            Assert.True(tools[name].ProtocolTool.Annotations!.IdempotentHint, name);
        }
        Assert.False(tools["cancel_job"].ProtocolTool.Annotations!.ReadOnlyHint);
        Assert.True(tools["cancel_job"].ProtocolTool.Annotations!.IdempotentHint);
    }

    [Fact]
    public async Task Image_tools_declare_an_output_schema_with_paths_ids_seeds_and_parameters()
    {
        var tools = await ToolsAsync();
        foreach (var name in ImageTools)
        {
            var schema = tools[name].ProtocolTool.OutputSchema ?? throw new Xunit.Sdk.XunitException(name + " has no outputSchema");
            var image = schema.GetProperty("properties").GetProperty("images").GetProperty("items").GetProperty("properties");
            foreach (var field in new[] { "id", "uri", "path", "file_uri", "seed", "width", "height", "bytes" })
                Assert.True(image.TryGetProperty(field, out _), $"{name}: images[].{field}");
            var parameters = schema.GetProperty("properties").GetProperty("parameters").GetProperty("properties");
            foreach (var field in new[] { "prompt", "steps", "guidance", "scheduler", "width", "height" })
                Assert.True(parameters.TryGetProperty(field, out _), $"{name}: parameters.{field}");
            Assert.True(schema.GetProperty("properties").TryGetProperty("model", out _));
        }
        foreach (var name in new[] { "start_generation", "get_job", "cancel_job" })
        {
            var props = tools[name].ProtocolTool.OutputSchema!.Value.GetProperty("properties");
            Assert.True(props.TryGetProperty("job_id", out _), name);
            Assert.True(props.TryGetProperty("state", out _), name);
        }
        Assert.True(tools["list_models"].ProtocolTool.OutputSchema!.Value.GetProperty("properties").TryGetProperty("models", out _));
        Assert.True(tools["compose_prompt"].ProtocolTool.OutputSchema!.Value.GetProperty("properties").TryGetProperty("negative_prompt", out _));
    }
}
