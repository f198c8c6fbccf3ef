namespace Easel.Engine.Jobs;

/// <summary>
/// Scale-out settings (section "Easel:Queue"). With <see cref="Redis"/> unset every process runs its own engine;
/// set, <c>easel serve</c> and the Semantic Kernel services hand generations to <c>easel worker</c> processes
/// through Redis Streams (see docs/scale-out.md).
/// </summary>
public sealed class QueueOptions
{
    /// <summary>StackExchange.Redis connection string (EASEL_QUEUE_REDIS), e.g. "localhost:6379". Null: in-process.</summary>
    public string? Redis { get; set; }

    /// <summary>Jobs that may wait or run per model stream; beyond this a request fails at once with the "busy" error.</summary>
    public int Limit { get; set; } = 32;

    /// <summary>A job whose worker sent no heartbeat for this long is reclaimed by another worker.</summary>
    public double ClaimIdleSeconds { get; set; } = 30;

    /// <summary>Deliveries of one job before it fails with the reason (a job that kills its workers stops here).</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How long job records, results and cancel marks live in Redis.</summary>
    public double ResultTtlSeconds { get; set; } = 3600;

    /// <summary>
    /// Where workers leave the PNGs: null = inside the result in Redis (expires with it); a folder path that
    /// front-ends and workers share = written there, and only names travel through Redis.
    /// </summary>
    public string? SharedFolder { get; set; }

    /// <summary>A caller gives up on a job whose record vanished from Redis (restarted without persistence) after this long.</summary>
    public double LostAfterSeconds { get; set; } = 30;
}
