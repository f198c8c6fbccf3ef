using System.Text.Json;
using Easel.McpServer.Cli;

namespace Easel.McpServer.Tests.Cli;

/// <summary>The easel command line: exit codes, stdout contents, and nothing written on error.</summary>
public class CliTests
{
    private static readonly string Root = FindRoot();
    private static readonly string Fixtures = Path.Combine(Root, "tests", "fixtures", "models");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Agents.sln"))) return dir.FullName;
        throw new InvalidOperationException("Agents.sln not found");
    }

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CliApp.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string TempDir() => Path.Combine(Path.GetTempPath(), "easel-cli-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task GeneratePrintsEachPathAndSeedAndNeverOverwrites()
    {
        var output = TempDir();
        try
        {
            var args = new[] { "generate", "a cat", "--models", Fixtures, "--model", "sd15-optimum", "--steps", "2", "--seed", "7", "--count", "2", "--out", output, "--provider", "cpu" };
            var first = await Run(args);
            var second = await Run(args);
            Assert.Equal(0, first.Code);
            var lines = first.Out.Trim().Split('\n');
            Assert.Equal(2, lines.Length);
            Assert.EndsWith("seed 7", lines[0]);
            Assert.EndsWith("seed 8", lines[1]);
            Assert.True(File.Exists(lines[0].Split('\t')[0]));
            Assert.Equal(4, Directory.GetFiles(output).Length); // the second run added files, replaced none
            Assert.Equal(0, second.Code);
        }
        finally { if (Directory.Exists(output)) Directory.Delete(output, true); }
    }

    [Theory]
    [InlineData("--steps", "0", "steps")]
    [InlineData("--width", "100", "96 or 104")]
    [InlineData("--guidance", "-2", "guidance")]
    [InlineData("--count", "99", "1–16")]
    [InlineData("--scheduler", "nope", "ddim")]
    [InlineData("--model", "missing-model", "Known models")]
    [InlineData("--bogus", "1", "unknown option --bogus")]
    public async Task BadInputExitsNonZeroWithAClearMessageAndWritesNothing(string option, string value, string expected)
    {
        var output = TempDir();
        var (code, stdout, stderr) = await Run("generate", "a cat", "--models", Fixtures, "--model", option == "--model" ? value : "sd15-optimum",
            option == "--model" ? "--seed" : option, option == "--model" ? "1" : value, "--out", output, "--provider", "cpu");
        Assert.NotEqual(0, code);
        Assert.Contains(expected, stderr);
        Assert.Equal("", stdout);
        Assert.False(Directory.Exists(output) && Directory.GetFiles(output).Length > 0);
    }

    [Fact]
    public async Task TokenizePrintsIdsCountAndTruncatedAsJson()
    {
        var (code, stdout, _) = await Run("tokenize", "a red circle", "--model", Path.Combine(Fixtures, "sd15-optimum"));
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var ids = doc.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToList();
        Assert.Equal(doc.RootElement.GetProperty("count").GetInt32(), ids.Count);
        Assert.Equal(5, ids.Count); // BOS a red circle EOS
        Assert.False(doc.RootElement.GetProperty("truncated").GetBoolean());

        var longText = string.Join(" ", Enumerable.Repeat("red", 100));
        var (_, longOut, _) = await Run("tokenize", longText, "--model", Path.Combine(Fixtures, "sd15-optimum"));
        Assert.True(JsonDocument.Parse(longOut).RootElement.GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public async Task ModelsListsTheDiscoveredModelsWithCapabilities()
    {
        var (code, stdout, _) = await Run("models", "--models", Fixtures, "--provider", "cpu");
        Assert.Equal(0, code);
        Assert.Contains("sdxl", stdout);
        Assert.Contains("\tsdxl, ", stdout); // the family's one string form, as in --json and MCP
        Assert.Contains("inpaint", stdout);
        Assert.Contains("v_prediction", stdout);
    }

    [Fact]
    public async Task BenchReportsStepTotalAndOverhead()
    {
        var (code, stdout, stderr) = await Run("bench", "--models", Fixtures, "--model", "sd15-optimum", "--steps", "3", "--runs", "2", "--warmup", "0", "--json", "--provider", "cpu");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var r = doc.RootElement;
        Assert.True(r.GetProperty("step_ms_mean").GetDouble() > 0);
        Assert.True(r.GetProperty("total_ms_mean").GetDouble() >= r.GetProperty("onnx_runtime_ms_mean").GetDouble());
        Assert.Equal(3, r.GetProperty("steps").GetInt32());
    }

    [Fact]
    public async Task UnknownCommandAndMissingPromptAreUsageErrors()
    {
        Assert.Equal(CliApp.ExitUsage, (await Run("paint")).Code);
        var (code, _, err) = await Run("generate");
        Assert.Equal(CliApp.ExitUsage, code);
        Assert.Contains("PROMPT", err);
    }
}
