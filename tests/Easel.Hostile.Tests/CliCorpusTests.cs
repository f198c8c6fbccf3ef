using Easel.McpServer.Cli;

namespace Easel.Hostile.Tests;

/// <summary>The corpus's CLI cases, run in-process through the same entry the executable uses (one engine per call).</summary>
public sealed class CliCorpusTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(60);
    private readonly HostileWorld _world = new();

    [Fact]
    public async Task Every_hostile_command_line_is_refused_clearly_and_writes_nothing()
    {
        var tally = new CorpusTally("cli", _world);
        foreach (var c in Corpus.Section("cli"))
        {
            var args = c.Data["args"]!.AsArray().Select(a => _world.Fill(a!.GetValue<string>())).ToList();
            // Right after the command, so a case's own trailing option (e.g. "--steps" without a value) stays last.
            var common = new List<string> { "--models", _world.BrokenModels };
            if (c.Data["out"]!.GetValue<bool>()) common.AddRange(["--out", _world.Output]);
            args.InsertRange(Math.Min(1, args.Count), common);
            var before = _world.OutputSnapshot();
            var reply = await RunAsync(args.ToArray());
            tally.Judge(c, reply, before, _world.OutputSnapshot(), stillAnswering: true);
        }
        tally.AssertClean(output);
    }

    internal static async Task<CaseReply> RunAsync(string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var cancel = new CancellationTokenSource();
        var run = Task.Run(() => CliApp.RunAsync(args, stdout, stderr, cancel.Token));
        try
        {
            int code = await run.WaitAsync(CaseTimeout);
            var text = stderr + "\n" + stdout;
            return new CaseReply(true, false, code != 0, text.Trim(), text);
        }
        catch (TimeoutException)
        {
            cancel.Cancel();
            return new CaseReply(false, false, false, "", stderr.ToString());
        }
        catch (Exception ex)
        {
            return new CaseReply(true, true, true, ex.GetType().Name + ": " + ex.Message, ex.ToString());
        }
    }

    public void Dispose() => _world.Dispose();
}
