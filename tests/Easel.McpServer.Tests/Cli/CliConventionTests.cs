using Easel.Engine.Imaging;
using Easel.McpServer.Cli;

namespace Easel.McpServer.Tests.Cli;

/// <summary>Command-line conventions: help on every command, --version, and no option-looking prompt taken silently.</summary>
public sealed class CliConventionTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CliApp.RunAsync(args, stdout, stderr, CancellationToken.None).Within("easel " + string.Join(" ", args));
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public async Task Overall_help_prints_every_command_and_exits_0(string flag)
    {
        var (code, output, error) = await Run(flag);
        Assert.Equal(0, code);
        Assert.Empty(error);
        foreach (var (command, _) in CliHelp.Commands)
            Assert.Contains("easel " + command, output);
    }

    [Theory]
    [InlineData("generate", "--help")]
    [InlineData("generate", "-h")]
    [InlineData("img2img", "--help")]
    [InlineData("inpaint", "-h")]
    [InlineData("outpaint", "--help")]
    [InlineData("variations", "-h")]
    [InlineData("tokenize", "--help")]
    [InlineData("models", "--help")]
    [InlineData("bench", "-h")]
    [InlineData("serve", "--help")]
    [InlineData("worker", "--help")]
    public async Task Command_help_prints_its_usage_exits_0_and_does_no_work(string command, string flag)
    {
        using var output = new TempDir();
        var (code, text, error) = await Run(command, "a prompt", flag, "--out", output.Path);
        Assert.Equal(0, code);
        Assert.Empty(error);
        Assert.StartsWith("Usage: easel " + command, text);
        Assert.Empty(output.Pngs);
        Assert.Equal(text, (await Run("help", command)).Out);
    }

    [Fact]
    public async Task Version_prints_the_engine_version()
    {
        var (code, text, _) = await Run("--version");
        Assert.Equal(0, code);
        Assert.Equal($"easel {EngineInfo.Version}", text.Trim());
    }

    [Theory]
    [InlineData("-x")]
    [InlineData("-shaped")]
    public async Task An_option_looking_prompt_is_an_error_naming_the_fix(string prompt)
    {
        using var output = new TempDir();
        var (code, text, error) = await Run("generate", prompt, "--out", output.Path, "--steps", "2");
        Assert.Equal(CliApp.ExitUsage, code);
        Assert.Empty(text);
        Assert.Contains($"{prompt}: unknown option", error);
        Assert.Contains("after '--'", error);
        Assert.Empty(output.Pngs);
    }

    [Fact]
    public async Task After_double_dash_a_dash_prompt_is_the_prompt()
    {
        using var output = new TempDir();
        var (code, text, error) = await Run("generate", "--models", TestModel.ModelsPath, "--steps", "2", "--seed", "3", "--provider", "cpu", "--out", output.Path, "--json", "--", "-h");
        Assert.True(code == 0, error);
        Assert.Contains("\"seed\":3", text);
        Assert.Single(output.Pngs);
    }

    [Fact]
    public async Task An_unknown_command_with_help_is_still_an_error()
    {
        var (code, _, error) = await Run("paint", "--help");
        Assert.Equal(CliApp.ExitUsage, code);
        Assert.Contains("unknown command 'paint'", error);
    }
}
