using System.Text.Json;
using Easel.Engine.Jobs;
using Easel.Engine.Pipelines;
using Easel.McpServer.Mcp;
using Easel.McpServer.Mcp.Results;
using Easel.McpServer.Mcp.Tools;
using Easel.McpServer.Tests.Peers;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Easel.McpServer.Tests.Schemas;

/// <summary>
/// Every tool's structuredContent validates against its own outputSchema on every path — success, optional fields
/// absent, each edit, jobs in every state — checked with JsonSchema.Net; and the schemas keep the one rule
/// (optional = not required, one JSON type per member).
/// </summary>
[Collection(SharedServer.Name)]
public sealed class StructuredContentSchemaTests(ServerFixture fixture)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);
    private InProcessServer Server => fixture.Server;

    private async Task<Dictionary<string, McpClientTool>> ToolsAsync() =>
        (await Server.Client.ListToolsAsync().AsTask().WaitAsync(Limit)).ToDictionary(t => t.Name);

    private async Task<CallToolResult> CallAsync(Dictionary<string, McpClientTool> tools, string name, object arguments) =>
        (await Server.CallAsync(name, arguments).WaitAsync(Limit)).MatchesOutputSchema(tools[name]);

    [Fact]
    public async Task Schemas_follow_one_rule_for_optional_members()
    {
        foreach (var tool in (await ToolsAsync()).Values)
        {
            foreach (var (schema, which) in new[] { (tool.ProtocolTool.InputSchema, "input"), (tool.ProtocolTool.OutputSchema!.Value, "output") })
            {
                foreach (var (path, node) in Walk(schema, "$"))
                {
                    if (node.TryGetProperty("type", out var type))
                        Assert.True(type.ValueKind == JsonValueKind.String, $"{tool.Name} {which} {path}: type {type} is not one JSON type");
                    if (node.TryGetProperty("enum", out var values))
                        Assert.DoesNotContain(values.EnumerateArray(), v => v.ValueKind == JsonValueKind.Null);
                    if (node.TryGetProperty("default", out var fallback))
                        Assert.NotEqual(JsonValueKind.Null, fallback.ValueKind);
                }
            }
        }
    }

    [Fact]
    public async Task Nullable_members_are_optional_and_the_rest_required()
    {
        var tools = await ToolsAsync();
        var job = tools["get_job"].ProtocolTool.OutputSchema!.Value;
        var required = job.GetProperty("required").EnumerateArray().Select(r => r.GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "job_id", "state", "operation", "stage", "completed", "total", "created" }, required);
        Assert.Empty(required.Intersect(["queue_position", "finished", "error", "result"]));
        var parameters = tools["generate_image"].ProtocolTool.OutputSchema!.Value.GetProperty("properties").GetProperty("parameters");
        Assert.DoesNotContain("strength", parameters.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains("steps", parameters.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Every_tool_result_matches_its_output_schema_with_and_without_optional_arguments()
    {
        var tools = await ToolsAsync();
        await CallAsync(tools, "list_models", new { });
        await CallAsync(tools, "compose_prompt", new { subject = "a red circle" });
        await CallAsync(tools, "compose_prompt", new { subject = "a red circle", style = "watercolor", lighting = "soft", negatives = "text" });

        var generated = await CallAsync(tools, "generate_image", new { prompt = "a red circle", steps = 2 });
        await CallAsync(tools, "generate_image", new { prompt = "two circles", steps = 2, seed = 3, count = 2, width = 64, height = 64, guidance = 5.0, scheduler = "euler", negative_prompt = "blur", inline = "full" });
        var source = generated.ImageIds()[0];
        using var mask = new PeerFixture();
        await CallAsync(tools, "restyle_image", new { image = source, prompt = "a blue square", steps = 2 });
        await CallAsync(tools, "restyle_image", new { image = source, prompt = "a blue square", steps = 2, strength = 0.4, resize = "fill", inline = "none" });
        await CallAsync(tools, "inpaint_image", new { image = source, prompt = "a triangle", mask = mask.MaskPath, steps = 2 });
        await CallAsync(tools, "inpaint_image", new { image = source, prompt = "a triangle", mask = mask.MaskPath, steps = 2, mask_grow = 2, mask_feather = 2, strength = 0.9 });
        await CallAsync(tools, "outpaint_image", new { image = source, prompt = "wider", right = 8, steps = 2 });
        await CallAsync(tools, "create_variations", new { image = source, steps = 2, count = 1 });
        await CallAsync(tools, "create_variations", new { image = source, steps = 2, count = 2, prompt = "a circle", strength = 0.5 });

        var started = await CallAsync(tools, "start_generation", new { prompt = "a kite", steps = 2 });
        var id = started.Structured().GetProperty("job_id").GetString()!;
        // get_job waits at most 50 s per call; a loaded machine can need more than one wait (each answer is checked too).
        string? state;
        int waits = 0;
        do
        {
            state = (await CallAsync(tools, "get_job", new { job_id = id, wait_seconds = 50 })).Structured().GetProperty("state").GetString();
        } while (state is "queued" or "running" && ++waits < 6);
        Assert.Equal("succeeded", state);
        await CallAsync(tools, "get_job", new { job_id = id, inline = "none" });
        await CallAsync(tools, "cancel_job", new { job_id = id });
    }

    [Fact]
    public async Task Jobs_in_every_state_match_the_job_schema()
    {
        var tools = await ToolsAsync();
        var result = await Server.Engine.GenerateAsync(new GenerateRequest { Prompt = "a kite", Steps = 2 }).WaitAsync(Limit);
        var created = DateTimeOffset.UtcNow;
        var snapshots = new[]
        {
            new JobSnapshot("job-1", "generate", JobState.Queued, "queued", 0, 0, 2, created, null, null, null),
            new JobSnapshot("job-2", "restyle", JobState.Running, "denoising", 1, 2, null, created, null, null, null),
            new JobSnapshot("job-3", "generate", JobState.Succeeded, "succeeded", 2, 2, null, created, created, result, null),
            new JobSnapshot("job-4", "inpaint", JobState.Failed, "failed", 1, 2, null, created, created, null, "model: no such model"),
            new JobSnapshot("job-5", "variations", JobState.Cancelled, "cancelled", 1, 8, null, created, created, null, "cancelled"),
        };
        foreach (var name in new[] { "start_generation", "get_job", "cancel_job" })
            foreach (var snapshot in snapshots)
                SchemaAssert.Valid(tools[name].ProtocolTool.OutputSchema!.Value, McpJson.ToElement(JobTools.Describe(snapshot, InlineMode.Preview)), $"{name} {snapshot.State}");
    }

    [Fact]
    public async Task Numeric_strings_are_read_as_numbers_and_null_optionals_as_omitted()
    {
        var tools = await ToolsAsync();
        var image = (await CallAsync(tools, "generate_image", new Dictionary<string, object?>
        {
            ["prompt"] = "a red circle",
            ["steps"] = "2",
            ["seed"] = "7",
            ["guidance"] = "5.5",
            ["count"] = null,
            ["width"] = null,
        })).Structured();
        Assert.Equal(7, image.GetProperty("images")[0].GetProperty("seed").GetInt64());
        Assert.Equal(5.5, image.GetProperty("parameters").GetProperty("guidance").GetDouble());
        Assert.Equal(1, image.GetProperty("parameters").GetProperty("count").GetInt32());

        var refused = await Server.CallAsync("generate_image", new { prompt = "x", seed = "seven" }).WaitAsync(Limit);
        Assert.True(refused.IsError);
        Assert.Contains("seed: expected integer, got \"seven\"", refused.Text());
        var missing = await Server.CallAsync("generate_image", new Dictionary<string, object?> { ["prompt"] = null }).WaitAsync(Limit);
        Assert.True(missing.IsError);
        Assert.Contains("prompt: is required", missing.Text());
    }

    [Fact]
    public void The_transform_drops_null_unions_from_types_enums_defaults_and_required()
    {
        var schema = JsonDocument.Parse("""
            {"type":"object","properties":{
              "a":{"type":["integer","null"],"default":null},
              "b":{"type":"string"},
              "c":{"type":["object","null"],"properties":{"d":{"type":["string","null"],"enum":["x",null]},"e":{"type":"number"}},"required":["d","e"]}},
             "required":["a","b","c"]}
            """).RootElement;
        var normalized = PortableSchema.Normalize(schema);
        Assert.Equal("""{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"string"},"c":{"type":"object","properties":{"d":{"type":"string","enum":["x"]},"e":{"type":"number"}},"required":["e"]}},"required":["b"]}""",
            normalized.GetRawText());
    }

    private static IEnumerable<(string Path, JsonElement Node)> Walk(JsonElement node, string path)
    {
        if (node.ValueKind == JsonValueKind.Object)
        {
            yield return (path, node);
            foreach (var property in node.EnumerateObject())
            {
                if (property.Name == "properties" && property.Value.ValueKind == JsonValueKind.Object)
                {
                    foreach (var member in property.Value.EnumerateObject())
                        foreach (var inner in Walk(member.Value, $"{path}.{member.Name}"))
                            yield return inner;
                }
                else if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array && property.Name is not ("enum" or "default" or "required"))
                {
                    foreach (var inner in Walk(property.Value, $"{path}/{property.Name}"))
                        yield return inner;
                }
            }
        }
        else if (node.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (var item in node.EnumerateArray())
                foreach (var inner in Walk(item, $"{path}[{i++}]"))
                    yield return inner;
        }
    }
}
