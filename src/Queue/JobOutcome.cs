namespace Easel.Queue;

/// <summary>How a job ended, as a worker writes it once (SET NX) to the job's result key.</summary>
internal sealed record JobOutcome
{
    public const string Succeeded = "succeeded", Failed = "failed", Cancelled = "cancelled";

    public required string State { get; init; }
    public string? Error { get; init; }
    /// <summary>validation (with <see cref="Field"/>), busy, failure (an EaselException) or internal.</summary>
    public string? ErrorKind { get; init; }
    public string? Field { get; init; }
    public string? Worker { get; init; }
    public int Attempt { get; init; }
    public JobPayload? Result { get; init; }
}

/// <summary>A finished generation without local paths: the caller's store gives the images their ids and paths.</summary>
internal sealed record JobPayload
{
    public required string Model { get; init; }
    public required IReadOnlyList<JobImage> Images { get; init; }
    public IReadOnlyList<string> Warnings { get; init; } = [];
    public double TotalMs { get; init; }
    public double OnnxMs { get; init; }
    public int OnnxRuns { get; init; }
    public IReadOnlyList<double> StepMs { get; init; } = [];
}

/// <summary>One PNG: its bytes (results in Redis) or its file name in the shared folder, and its metadata JSON.</summary>
internal sealed record JobImage
{
    public byte[]? Png { get; init; }
    public string? File { get; init; }
    public required string Metadata { get; init; }
}
