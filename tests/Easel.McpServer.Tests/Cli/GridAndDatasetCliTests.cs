using System.Diagnostics;
using System.Text.Json;
using Easel.McpServer.Cli;
using Easel.McpServer.Tests.Peers;

namespace Easel.McpServer.Tests.Cli;

/// <summary><c>easel grid</c> and <c>easel dataset</c>: output, exit codes, and a data set surviving a real kill of the process.</summary>
[Trait("Category", "Process")] // one test spawns and kills the easel executable
public class GridAndDatasetCliTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CliApp.RunAsync(args, stdout, stderr, CancellationToken.None).Within("easel " + args[0], TimeSpan.FromMinutes(5));
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string[] Common(string output) => ["--models", TestModel.ModelsPath, "--model", TestModel.Name, "--provider", "cpu", "--out", output];

    [Fact]
    public async Task GridPrintsTheSheetThenEachCellInRowOrder()
    {
        using var output = new TempDir();
        var (code, stdout, stderr) = await Run(["grid", "a blue square", "--x", "seed=4,5", "--y", "steps=1,2", "--guidance", "5", .. Common(output.Path)]);
        Assert.True(code == 0, stderr);
        var lines = stdout.Trim().Split('\n');
        Assert.Equal(5, lines.Length);
        Assert.Contains("sheet 2x2", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("cell 0,0 seed=4 steps=1 seed 4", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("cell 1,1 seed=5 steps=2 seed 5", lines[4], StringComparison.Ordinal);
        Assert.All(lines, l => Assert.True(File.Exists(l.Split('\t')[0]), l));
        Assert.Contains("cells 4/4", stderr, StringComparison.Ordinal); // the progress line
    }

    [Theory]
    [InlineData("--x", "sampler=ddim,nope", "x_axis: scheduler value 'nope'")]
    [InlineData("--x", "seed", "x_axis: 'seed' is not KIND=V1,V2")]
    [InlineData("--y", "seed=1,2", "y_axis: varies seed like x_axis")]
    public async Task GridRefusesABadAxisWithExitCode2AndWritesNothing(string option, string value, string expected)
    {
        using var output = new TempDir();
        string[] x = option == "--x" ? ["--x", value] : ["--x", "seed=1,2", option, value];
        var (code, stdout, stderr) = await Run(["grid", "a cat", .. x, "--steps", "1", .. Common(output.Path)]);
        Assert.Equal(CliApp.ExitUsage, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
        Assert.Empty(output.Pngs);
    }

    [Fact]
    public async Task DatasetKilledMidRunResumesToACompleteManifestWithoutDuplicates()
    {
        using var folder = new TempDir();
        var prompts = Path.Combine(folder.Path, "prompts.txt");
        File.WriteAllLines(prompts, ["a red circle on a white background", "a blue square on a black background", "", "a green ring on a yellow background"]);
        var set = Path.Combine(folder.Path, "set");
        // 3 prompts x 8 = 24 images: after the kill at the second, far more are left than a loaded machine makes while
        // the kill is delivered.
        string[] args = ["dataset", "--out", set, "--prompts", prompts, "--images-per-prompt", "8", "--steps", "4", "--validation", "0.25",
            "--models", TestModel.ModelsPath, "--model", TestModel.Name, "--provider", "cpu", "--json"];

        // A real process, killed (SIGKILL: no clean-up runs) from the reader of its progress once it reports its second
        // image, so no test continuation waits for a thread between the report and the kill.
        var start = new ProcessStartInfo(EaselExecutable.Path) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["EASEL_OUTPUT_DIR"] = Path.Combine(folder.Path, "store");
        using (var process = Process.Start(start)!)
        {
            var killedAt = new TaskCompletionSource();
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data?.StartsWith("images 2/", StringComparison.Ordinal) != true || killedAt.Task.IsCompleted) return;
                process.Kill(entireProcessTree: true);
                killedAt.TrySetResult();
            };
            process.BeginErrorReadLine();
            await killedAt.Task.Within("the second image of the killed run", TimeSpan.FromMinutes(3));
            await process.WaitForExitAsync().Within("the killed process to exit");
        }
        var killed = Lines(set);
        Assert.InRange(killed.Count, 2, 23);
        Assert.All(killed, l => Assert.True(File.Exists(Path.Combine(set, l.Split, l.File)), l.File));
        // A kill between an image's move into place and its manifest line leaves one unlisted PNG, which the rerun adopts.
        int inPlace = Directory.GetFiles(set, "*.png", SearchOption.AllDirectories).Length;
        Assert.InRange(inPlace, killed.Count, killed.Count + 1);

        var (code, stdout, stderr) = await Run(args);
        Assert.True(code == 0, stderr);
        using var summary = JsonDocument.Parse(stdout);
        Assert.Equal(24, summary.RootElement.GetProperty("total").GetInt32());
        Assert.Equal(inPlace, summary.RootElement.GetProperty("skipped").GetInt32());
        var lines = Lines(set);
        Assert.Equal(Enumerable.Range(0, 24).Select(i => $"{i:D6}.png"), lines.Select(l => l.File).Order(StringComparer.Ordinal));
        Assert.Equal(6, lines.Count(l => l.Split == "validation"));
        // Every image listed exactly once, and no image that is not listed.
        var files = Directory.GetFiles(set, "*.png", SearchOption.AllDirectories).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal);
        Assert.Equal(lines.Select(l => l.File).Order(StringComparer.Ordinal), files);
    }

    /// <summary>Both splits' manifests, parsed as JSON Lines (each line must be a whole object).</summary>
    private static List<(string Split, string File)> Lines(string set) =>
        new[] { "train", "validation" }
            .Where(s => File.Exists(Path.Combine(set, s, "metadata.jsonl")))
            .SelectMany(s => File.ReadAllText(Path.Combine(set, s, "metadata.jsonl")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => (s, JsonDocument.Parse(l).RootElement.GetProperty("file_name").GetString()!)))
            .ToList();

    [Fact]
    public async Task DatasetNeedsAFolderAndOneSourceOfPrompts()
    {
        var (code, _, stderr) = await Run("dataset", "--template", "a {color} cat", "--slots", "color=red");
        Assert.Equal(CliApp.ExitUsage, code);
        Assert.Contains("out: required", stderr, StringComparison.Ordinal);
        using var folder = new TempDir();
        (code, _, stderr) = await Run(["dataset", "--prompts", Path.Combine(folder.Path, "missing.txt"), .. Common(Path.Combine(folder.Path, "set"))]);
        Assert.Equal(CliApp.ExitUsage, code);
        Assert.Contains("prompts:", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "set")));
    }

    [Fact]
    public async Task DatasetJudgeWritesAVerdictPerLineAndNeedsGrammar()
    {
        using var folder = new TempDir();
        var set = Path.Combine(folder.Path, "set");
        var (code, _, stderr) = await Run("dataset", "--out", set, "--grammar", "--judge", "--sample", "2", "--steps", "1",
            "--models", TestModel.ModelsPath, "--model", TestModel.Name, "--provider", "cpu");
        Assert.True(code == 0, stderr);
        var lines = File.ReadAllLines(Path.Combine(set, "metadata.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, lines.Count);
        Assert.All(lines, l => Assert.Contains(" background: ", l.GetProperty("judge_details").GetString(), StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Contains(l.GetProperty("judge_pass").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False }));

        var prompts = Path.Combine(folder.Path, "prompts.txt");
        File.WriteAllLines(prompts, ["a red circle on a white background"]);
        (code, _, stderr) = await Run("dataset", "--out", Path.Combine(folder.Path, "plain"), "--prompts", prompts, "--judge", "--steps", "1",
            "--models", TestModel.ModelsPath, "--model", TestModel.Name, "--provider", "cpu");
        Assert.Equal(CliApp.ExitUsage, code);
        Assert.Contains("judge: needs grammar", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "plain")));
    }
}
