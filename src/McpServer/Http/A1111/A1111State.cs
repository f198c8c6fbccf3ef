using Easel.Engine.Pipelines;

namespace Easel.McpServer.Http.A1111;

/// <summary>
/// What A1111's global "state" holds, for this host: the checkpoint /sdapi/v1/options selects, the running
/// txt2img/img2img jobs (for /progress and /interrupt) and the numbers of the last one.
/// </summary>
internal sealed class A1111State(string? checkpoint)
{
    private readonly object _gate = new();
    private readonly List<A1111Job> _jobs = [];
    private A1111Job? _last;

    /// <summary>The model name set through POST /sdapi/v1/options (null: the engine's default).</summary>
    public string? Checkpoint { get; set; } = checkpoint;

    public A1111Job Begin(string kind, int images, CancellationToken requestAborted)
    {
        var job = new A1111Job(kind, images, CancellationTokenSource.CreateLinkedTokenSource(requestAborted));
        lock (_gate) _jobs.Add(job);
        return job;
    }

    public void End(A1111Job job)
    {
        lock (_gate)
        {
            _jobs.Remove(job);
            _last = job;
        }
        job.Cancellation.Dispose();
    }

    /// <summary>The job /progress reports and /interrupt stops: the first one past the queue, else the oldest waiting.</summary>
    public A1111Job? Current()
    {
        lock (_gate) return _jobs.FirstOrDefault(j => !j.Queued) ?? _jobs.FirstOrDefault();
    }

    public A1111Job? Last()
    {
        lock (_gate) return _last;
    }

    /// <summary>Stops the current job at its next step; false when nothing runs.</summary>
    public bool Interrupt()
    {
        var job = Current();
        if (job is null) return false;
        job.Interrupt();
        return true;
    }
}

/// <summary>One running A1111 request: its progress as the engine reports it, its latest preview and its cancellation.</summary>
internal sealed class A1111Job(string kind, int images, CancellationTokenSource cancellation)
{
    private readonly object _gate = new();

    public string Kind { get; } = kind;
    public CancellationTokenSource Cancellation { get; } = cancellation;
    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;
    public string Timestamp { get; } = DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
    public int Images { get; } = images;
    public bool Queued { get; private set; } = true;
    public bool Interrupted { get; private set; }
    public int Image { get; private set; }
    public int Step { get; private set; }
    public int Steps { get; private set; }
    public byte[]? Preview { get; private set; }

    public void Report(GenerationProgress progress)
    {
        lock (_gate)
        {
            Queued = progress.Stage == "queued";
            if (Queued) return;
            Image = progress.Image;
            if (progress.Steps > 0) Steps = progress.Steps;
            if (progress.Stage is "denoising" or "preview" or "decoding") Step = progress.Step;
            if (progress.Preview is { } preview) Preview = preview;
        }
    }

    public void Interrupt()
    {
        Interrupted = true;
        try
        {
            Cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // It finished in the meantime.
        }
    }

    /// <summary>Share of the whole job done, 0–1.</summary>
    public double Progress
    {
        get
        {
            lock (_gate)
                return Steps == 0 || Images == 0 ? 0 : Math.Clamp((Image * Steps + Step) / (double)(Images * Steps), 0, 1);
        }
    }
}
