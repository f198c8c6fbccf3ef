using System.Text.Json;
using Easel.McpServer.Tests.Schemas;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Easel.McpServer.Tests;

/// <summary>make_grid and the data set job tools through a real MCP client, results checked against their outputSchema.</summary>
[Collection(SharedServer.Name)]
public sealed class GridAndDatasetToolTests(ServerFixture fixture)
{
    private InProcessServer Server => fixture.Server;

    private async Task<McpClientTool> ToolAsync(string name) =>
        (await Server.Client.ListToolsAsync().AsTask().Within("tools/list")).Single(t => t.Name == name);

    [Fact]
    public async Task A64CellGridIsOneSheetPreviewAndALinkPerCellUnderOneMegabyte()
    {
        var tool = await ToolAsync("make_grid");
        var progress = new ProgressLog();
        var result = (await Server.Client.CallToolAsync("make_grid", InProcessServer.Args(new
        {
            prompt = "a red circle on a white background",
            x_axis = "seed",
            x_values = new[] { "1", "2", "3", "4", "5", "6", "7", "8" },
            y_axis = "guidance",
            y_values = new[] { "1", "2", "3", "4", "5", "6", "7", "8" },
            steps = 1,
        }), progress).AsTask().Within("make_grid 64 cells", TimeSpan.FromMinutes(8))).MatchesOutputSchema(tool);

        Assert.True(result.WireSize() < 1_000_000, $"{result.WireSize()} bytes");
        var structured = result.Structured();
        Assert.Equal((8, 8), (structured.GetProperty("columns").GetInt32(), structured.GetProperty("rows").GetInt32()));
        var cells = structured.GetProperty("cells").EnumerateArray().ToList();
        Assert.Equal(64, cells.Count);
        Assert.Equal(Enumerable.Range(0, 64).Select(i => (i % 8, i / 8)), cells.Select(c => (c.GetProperty("column").GetInt32(), c.GetProperty("row").GetInt32())));
        Assert.Equal(cells.Select(c => long.Parse(c.GetProperty("x").GetString()!, System.Globalization.CultureInfo.InvariantCulture)), cells.Select(c => c.GetProperty("seed").GetInt64()));

        var preview = Assert.Single(result.Content.OfType<ImageContentBlock>());
        var (width, height) = TestImages.Decode(preview.DecodedData.Span);
        Assert.True(width > 0 && height > 0);
        var links = result.Content.OfType<ResourceLinkBlock>().ToList();
        Assert.Equal(65, links.Count); // the sheet, then every cell
        Assert.Equal(structured.GetProperty("sheet").GetProperty("uri").GetString(), links[0].Uri);
        Assert.Equal(cells.Select(c => c.GetProperty("uri").GetString()), links.Skip(1).Select(l => l.Uri));
        var read = await Server.Client.ReadResourceAsync(links[0].Uri).AsTask().Within("resources/read sheet");
        var (sheetWidth, _) = TestImages.Decode(Assert.IsType<BlobResourceContents>(Assert.Single(read.Contents)).DecodedData.Span);
        Assert.Equal(structured.GetProperty("sheet").GetProperty("width").GetInt32(), sheetWidth);

        // Progress counts steps over all 64 cells (1 step each): every count from 1 to 64 is reported against a
        // total of 64 (the client may hand notifications over out of order, so they are compared as a set).
        var values = progress.Values.ToList();
        Assert.All(values, v => Assert.Equal(64, v.Total));
        Assert.Subset(values.Select(v => (int)v.Progress).ToHashSet(), Enumerable.Range(1, 64).ToHashSet());
        Assert.All(values, v => Assert.InRange(v.Progress, 0, 64));
    }

    [Theory]
    [InlineData("colour", "x_axis")]
    [InlineData("steps", "steps value '0'")]
    public async Task ABadAxisIsAToolErrorNamingIt(string axis, string expected)
    {
        var result = await Server.CallAsync("make_grid", new { prompt = "a cat", x_axis = axis, x_values = new[] { "0", "2" }, steps = 1 });
        Assert.True(result.IsError);
        Assert.Contains(expected, result.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADataSetRunsAsAJobAndAFinishedFolderResumesAsDone()
    {
        var name = "set-" + Guid.NewGuid().ToString("N");
        var args = new
        {
            @out = name,
            template = "a {color} circle on a white background",
            slots = new Dictionary<string, string[]> { ["color"] = ["red", "blue"] },
            images_per_prompt = 2,
            steps = 1,
        };
        var start = (await Server.CallAsync("start_dataset", args)).MatchesOutputSchema(await ToolAsync("start_dataset"));
        var id = start.Structured().GetProperty("job_id").GetString()!;
        Assert.Equal(4, start.Structured().GetProperty("total").GetInt32());

        var get = await ToolAsync("get_dataset_job");
        JsonElement job = default;
        for (int poll = 0; poll < 6; poll++)
        {
            job = (await Server.CallAsync("get_dataset_job", new { job_id = id, wait_seconds = 30 })).MatchesOutputSchema(get).Structured();
            if (job.GetProperty("state").GetString() is not ("queued" or "running")) break;
        }
        Assert.Equal("succeeded", job.GetProperty("state").GetString());
        Assert.Equal(4, job.GetProperty("done").GetInt32());
        Assert.Equal(4, File.ReadAllLines(Path.Combine(Server.Output.Path, "datasets", name, "metadata.jsonl")).Length);

        var again = (await Server.CallAsync("start_dataset", args)).Ok().Structured().GetProperty("job_id").GetString()!;
        var resumed = (await Server.CallAsync("get_dataset_job", new { job_id = again, wait_seconds = 30 })).Ok().Structured();
        Assert.Equal(4, resumed.GetProperty("skipped").GetInt32());
        var cancelled = (await Server.CallAsync("cancel_dataset_job", new { job_id = again })).MatchesOutputSchema(await ToolAsync("cancel_dataset_job")).Structured();
        Assert.Equal("succeeded", cancelled.GetProperty("state").GetString()); // already finished: cancelling changes nothing
    }

    [Fact]
    public async Task AJudgedGrammarSetWritesAVerdictOnEveryLine()
    {
        var name = "judged-" + Guid.NewGuid().ToString("N");
        var start = (await Server.CallAsync("start_dataset", new { @out = name, grammar = true, judge = true, sample = 2, steps = 1 }))
            .MatchesOutputSchema(await ToolAsync("start_dataset"));
        var id = start.Structured().GetProperty("job_id").GetString()!;
        JsonElement job = default;
        for (int poll = 0; poll < 6; poll++)
        {
            job = (await Server.CallAsync("get_dataset_job", new { job_id = id, wait_seconds = 30 })).Ok().Structured();
            if (job.GetProperty("state").GetString() is not ("queued" or "running")) break;
        }
        Assert.Equal("succeeded", job.GetProperty("state").GetString());
        var lines = File.ReadAllLines(Path.Combine(Server.Output.Path, "datasets", name, "metadata.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, lines.Count);
        Assert.All(lines, l => Assert.Contains(l.GetProperty("judge_pass").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False }));
        Assert.All(lines, l => Assert.Contains(" background: ", l.GetProperty("judge_details").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task JudgeWithoutGrammarIsRefusedAtStart()
    {
        var name = "unjudgeable-" + Guid.NewGuid().ToString("N");
        var result = await Server.CallAsync("start_dataset", new { @out = name, prompts = new[] { "a red circle" }, judge = true, steps = 1 });
        Assert.True(result.IsError);
        Assert.Contains("judge", result.Text(), StringComparison.Ordinal);
        Assert.Contains("needs grammar", result.Text(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Server.Output.Path, "datasets", name)));
    }

    [Theory]
    [InlineData("x", "{color} has no values")]
    [InlineData("/tmp/elsewhere", "not a folder name under")]
    [InlineData("../../escape", "not a folder name under")]
    public async Task ABadDataSetIsRefusedAtStart(string folder, string expected)
    {
        var result = await Server.CallAsync("start_dataset", new { @out = folder, template = "a {color} cat", steps = 1 });
        Assert.True(result.IsError);
        Assert.Contains(expected, result.Text(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Server.Output.Path, "datasets", folder)));
    }
}
