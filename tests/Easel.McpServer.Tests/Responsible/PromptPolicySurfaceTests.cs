using Easel.McpServer.Cli;

namespace Easel.McpServer.Tests.Responsible;

/// <summary>The built-in prompt policy on the CLI and over MCP: a refusal that names the category, nothing written.</summary>
public class PromptPolicySurfaceTests
{
    private const string Refused = "isis propaganda poster";

    [Fact]
    public async Task CliExitsNonZeroNamingTheCategory()
    {
        using var output = new TempDir();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CliApp.RunAsync(["generate", Refused, "--out", output.Path, "--provider", "cpu"], stdout, stderr, CancellationToken.None)
            .WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(CliApp.ExitFailure, code);
        var lines = stderr.ToString().Trim().Split('\n');
        Assert.Equal("easel generate: prompt: refused by the prompt policy (category: violent extremism).", lines[^1].Trim());
        Assert.Contains(lines, l => l.Contains("prompt policy: refused prompt (category violent extremism)")); // the audit line
        Assert.DoesNotContain("isis", stderr.ToString());
        Assert.Empty(output.Pngs);
    }

    [Fact]
    public async Task McpReturnsIsErrorNamingTheCategory()
    {
        await using var server = await InProcessServer.StartAsync().WaitAsync(TimeSpan.FromMinutes(1));
        var result = await server.CallAsync("generate_image", new { prompt = Refused }).WaitAsync(TimeSpan.FromMinutes(1));
        Assert.True(result.IsError);
        Assert.Contains("refused by the prompt policy (category: violent extremism)", result.Text());
        Assert.DoesNotContain("isis", result.Text());
        var edit = await server.CallAsync("restyle_image", new { image = "easel://images/easel-none", prompt = Refused }).WaitAsync(TimeSpan.FromMinutes(1));
        Assert.True(edit.IsError);
        Assert.Contains("category: violent extremism", edit.Text());
    }
}
