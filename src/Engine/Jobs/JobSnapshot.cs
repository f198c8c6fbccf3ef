using Easel.Engine.Pipelines;

namespace Easel.Engine.Jobs;

/// <summary>Where a background generation is. Terminal states: Succeeded, Failed, Cancelled.</summary>
public enum JobState { Queued, Running, Succeeded, Failed, Cancelled }

/// <summary>
/// A consistent copy of a job at one moment. <see cref="Completed"/>/<see cref="Total"/> count denoising steps
/// over all images; <see cref="Result"/> is set once the job succeeded, <see cref="Error"/> once it failed.
/// </summary>
public sealed record JobSnapshot(
    string Id,
    string Operation,
    JobState State,
    string Stage,
    int Completed,
    int Total,
    int? QueuePosition,
    DateTimeOffset Created,
    DateTimeOffset? Finished,
    GenerationResult? Result,
    string? Error)
{
    public bool IsFinished => State is JobState.Succeeded or JobState.Failed or JobState.Cancelled;
}
