using Easel.Engine.Pipelines;

namespace Easel.McpServer.Cli;

/// <summary>
/// Progress on stderr (stdout stays clean for paths and JSON): a redrawn one-line bar on a terminal, one line per
/// finished image when stderr is redirected to a file or a pipe (no carriage-return noise in logs).
/// </summary>
internal sealed class ProgressBar(TextWriter stderr, bool? interactive = null) : IProgress<GenerationProgress>
{
    private const int Width = 30;
    private readonly bool _interactive = interactive ?? (ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected);

    public void Report(GenerationProgress value)
    {
        if (value.Stage == "queued")
        {
            stderr.Write(_interactive ? $"\rqueued (position {value.QueuePosition})" : $"queued (position {value.QueuePosition}){Environment.NewLine}");
            return;
        }
        if (value.Stage != "denoising" || value.Steps == 0) return;
        bool imageDone = value.Step == value.Steps;
        if (_interactive)
        {
            int filled = value.Step * Width / value.Steps;
            stderr.Write($"\rimage {value.Image + 1}/{value.Images} [{new string('#', filled)}{new string('.', Width - filled)}] step {value.Step}/{value.Steps}");
            if (imageDone && value.Image == value.Images - 1) stderr.WriteLine();
        }
        else if (imageDone)
            stderr.WriteLine($"image {value.Image + 1}/{value.Images}: {value.Steps} steps done");
    }
}
