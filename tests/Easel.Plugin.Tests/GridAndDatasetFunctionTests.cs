using Easel.Engine.Imaging;
using Microsoft.SemanticKernel;

namespace Easel.Plugin.Tests;

/// <summary>The make_grid and make_dataset kernel functions, invoked through a kernel as an agent would.</summary>
public class GridAndDatasetFunctionTests
{
    [Fact]
    public async Task MakeGridReturnsTheSheetAndCellsWithTheirAxisValues()
    {
        using var h = new KernelHarness();
        var json = await h.InvokeJsonAsync("make_grid", new KernelArguments
        {
            ["prompt"] = "a red circle on a white background",
            ["x_axis"] = "seed",
            ["x_values"] = "3,4",
            ["y_axis"] = "steps",
            ["y_values"] = "1,2",
        });
        Assert.Equal("grid", json.GetProperty("operation").GetString());
        Assert.True(File.Exists(json.GetProperty("sheet").GetProperty("path").GetString()));
        var cells = json.GetProperty("cells").EnumerateArray().ToList();
        Assert.Equal([3L, 4L, 3L, 4L], cells.Select(c => c.GetProperty("seed").GetInt64()));
        Assert.Equal([1, 1, 2, 2], cells.Select(c => PngCodec.ReadMetadata(File.ReadAllBytes(c.GetProperty("path").GetString()!))!.Steps));
    }

    [Fact]
    public async Task ABadAxisIsAKernelErrorNamingIt()
    {
        using var h = new KernelHarness();
        var ex = await Assert.ThrowsAnyAsync<KernelException>(() => h.InvokeAsync("make_grid", new KernelArguments
        {
            ["prompt"] = "a cat",
            ["x_axis"] = "steps",
            ["x_values"] = "1,5000",
        }));
        Assert.Contains("x_axis: steps value '5000'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MakeDatasetWritesTheManifestAndResumesAsDone()
    {
        using var h = new KernelHarness();
        var folder = Path.Combine(h.Output.Path, "set");
        var arguments = new KernelArguments
        {
            ["out"] = folder,
            ["template"] = "a {color} {shape} on a white background",
            ["slots"] = "color=red,blue;shape=circle",
            ["images_per_prompt"] = 2,
            ["steps"] = 1,
        };
        var json = await h.InvokeJsonAsync("make_dataset", arguments);
        Assert.Equal((4, 4), (json.GetProperty("total").GetInt32(), json.GetProperty("made").GetInt32()));
        Assert.Equal(4, File.ReadAllLines(Path.Combine(folder, "metadata.jsonl")).Length);
        var again = await h.InvokeJsonAsync("make_dataset", arguments);
        Assert.Equal((0, 4), (again.GetProperty("made").GetInt32(), again.GetProperty("skipped").GetInt32()));
    }

    [Fact]
    public async Task MakeDatasetWithJudgeWritesTheVerdictAndWithoutGrammarIsRefused()
    {
        using var h = new KernelHarness();
        var folder = Path.Combine(h.Output.Path, "judged");
        await h.InvokeJsonAsync("make_dataset", new KernelArguments { ["out"] = folder, ["grammar"] = true, ["judge"] = true, ["sample"] = 2, ["steps"] = 1 });
        var lines = File.ReadAllLines(Path.Combine(folder, "metadata.jsonl")).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, lines.Count);
        Assert.All(lines, l => Assert.Contains(" background: ", l.GetProperty("judge_details").GetString(), StringComparison.Ordinal));

        var ex = await Assert.ThrowsAnyAsync<KernelException>(() => h.InvokeAsync("make_dataset", new KernelArguments
        {
            ["out"] = Path.Combine(h.Output.Path, "refused"),
            ["prompts"] = "a red circle",
            ["judge"] = true,
            ["steps"] = 1,
        }));
        Assert.Contains("judge: needs grammar", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(h.Output.Path, "refused")));
    }
}
