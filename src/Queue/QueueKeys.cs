using StackExchange.Redis;

namespace Easel.Queue;

/// <summary>
/// The Redis names front-ends and workers share. One stream per model (the routing key), read by one consumer
/// group; per job a hash (state, worker, attempts), a result and a cancel mark, each with a TTL; pub/sub only for
/// what may be lost (progress, wake-ups): results and cancels are also keys, so a missed message costs latency only.
/// All names of one job share the hash tag {id}, so they live on one Redis Cluster slot.
/// </summary>
internal static class QueueKeys
{
    public const string Prefix = "easel:";
    public const string Group = "easel-workers";

    public static RedisKey Stream(string model) => $"{Prefix}queue:{{{model.ToLowerInvariant()}}}";
    public static RedisKey Workers(string model) => $"{Prefix}workers:{{{model.ToLowerInvariant()}}}";
    public static RedisKey Job(string id) => $"{Prefix}job:{{{id}}}";
    public static RedisKey Result(string id) => $"{Prefix}job:{{{id}}}:result";
    public static RedisKey Cancel(string id) => $"{Prefix}job:{{{id}}}:cancel";

    /// <summary>One channel per job for its progress and then its "done" message, so a subscriber reads them in the
    /// order the worker sent them (two channels are drained by two loops: "done" could overtake the last steps).</summary>
    public static RedisChannel Events(string id) => RedisChannel.Literal($"{Prefix}events:{id}");

    /// <summary>The last message on <see cref="Events"/>: the outcome is stored.</summary>
    public const string DoneMessage = "done";
    public static RedisChannel Wake(string model) => RedisChannel.Literal($"{Prefix}wake:{model.ToLowerInvariant()}");
    public static readonly RedisChannel Cancels = RedisChannel.Literal($"{Prefix}cancel");
}
