using Easel.Engine.Imaging;

namespace Easel.Engine.Pipelines;

/// <summary>A text-to-image request. Unset fields take the model's defaults.</summary>
public sealed record GenerateRequest
{
    public required string Prompt { get; init; }
    public string? NegativePrompt { get; init; }
    public string? Model { get; init; }
    public int? Width { get; init; }
    public int? Height { get; init; }
    public int? Steps { get; init; }
    public double? Guidance { get; init; }
    public double GuidanceRescale { get; init; }
    public string? Scheduler { get; init; }
    public double? Eta { get; init; }
    public long? Seed { get; init; }
    public int Count { get; init; } = 1;
    /// <summary>Previews per image: the current x0 estimate is decoded this many times, evenly spaced over the steps (0 = none).</summary>
    public int Previews { get; init; }
}

/// <summary>
/// Where a request is: "queued" (with its queue position), "encoding", "denoising" (per step), "preview" (only when
/// <see cref="GenerateRequest.Previews"/> asks: <see cref="Preview"/> holds the decoded x0 estimate after that step), "decoding".
/// </summary>
public sealed record GenerationProgress(string Stage, int Image, int Images, int Step, int Steps, int? QueuePosition = null)
{
    /// <summary>Stage "preview": a PNG of the image the current step predicts (the denoised estimate x0, decoded).</summary>
    public byte[]? Preview { get; init; }

    /// <summary>Images <see cref="Image"/> … Image+Batch−1 advance together: one UNet call per step serves them all.</summary>
    public int Batch { get; init; } = 1;

    /// <summary>Overall progress in steps over all images (for progress notifications).</summary>
    public int Completed => (Image * Steps) + (Batch * Step);
    public int Total => Images * Steps;
}

public sealed record GeneratedImage(StoredImage Stored, ImageMetadata Metadata)
{
    public string Id => Stored.Id;
    public string Path => Stored.Path;
    public long Seed => Metadata.Seed;
    public int Width => Metadata.Width;
    public int Height => Metadata.Height;
}

public sealed record GenerationTimings(TimeSpan Total, TimeSpan OnnxRuntime, int OnnxRuns, IReadOnlyList<TimeSpan> StepTimes)
{
    /// <summary>Time Easel itself spent: end-to-end minus time inside ONNX Runtime.</summary>
    public TimeSpan Overhead => Total - OnnxRuntime;
}

public sealed record GenerationResult(string Model, IReadOnlyList<GeneratedImage> Images, IReadOnlyList<string> Warnings, GenerationTimings Timings);
