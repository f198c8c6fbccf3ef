using Easel.Engine.Pipelines;

namespace Easel.McpServer.Cli;

/// <summary>A one-line progress bar on stderr (stdout stays clean for paths and JSON).</summary>
internal sealed class ProgressBar(TextWriter stderr) : IProgress<GenerationProgress>
{
    private const int Width = 30;
    private bool _drawn;

    public void Report(GenerationProgress value)
    {
        if (value.Stage == "queued")
        {
            stderr.Write($"\rqueued (position {value.QueuePosition})");
            return;
        }
        if (value.Stage != "denoising" || value.Steps == 0) return;
        int filled = value.Step * Width / value.Steps;
        stderr.Write($"\rimage {value.Image + 1}/{value.Images} [{new string('#', filled)}{new string('.', Width - filled)}] step {value.Step}/{value.Steps}");
        _drawn = true;
        if (value.Step == value.Steps && value.Image == value.Images - 1 && _drawn)
            stderr.WriteLine();
    }
}
