using Easel.McpServer.Cli;

namespace Easel.McpServer.Tests.Queue;

/// <summary><c>easel worker</c> refuses what it cannot run before loading anything or touching Redis.</summary>
public sealed class WorkerCommandTests
{
    private static async Task<(int Code, string Error)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr, CancellationToken.None).Within("easel worker");
        return (code, stderr.ToString());
    }

    [Fact]
    public async Task Without_a_queue_it_says_how_to_give_one_and_exits_2()
    {
        var (code, error) = await RunAsync("worker", "--models", TestModel.ModelsPath);
        Assert.Equal(CliApp.ExitUsage, code);
        Assert.Contains("queue: is required: easel worker --queue HOST:PORT", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--claim-idle", "soon", "claim-idle: 'soon' is not a number.")]
    [InlineData("--max-attempts", "0", "max-attempts: must be at least 1 (got 0).")]
    [InlineData("--model", "no-such-model", "model: 'no-such-model' is not a usable model here.")]
    [InlineData("--colour", "red", "unknown option --colour for 'worker'")]
    public async Task Bad_options_name_the_option_and_exit_2(string option, string value, string message)
    {
        var (code, error) = await RunAsync("worker", "--queue", "127.0.0.1:1", "--models", TestModel.ModelsPath, option, value);
        Assert.Equal(CliApp.ExitUsage, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}
