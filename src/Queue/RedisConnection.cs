using Easel.Engine;
using StackExchange.Redis;

namespace Easel.Queue;

/// <summary>Opens the shared multiplexer (it reconnects by itself) and turns Redis outages into one clear error.</summary>
internal static class RedisConnection
{
    public static async Task<ConnectionMultiplexer> ConnectAsync(string connectionString, TextWriter? log = null)
    {
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new EaselValidationException("queue", $"Easel:Queue:Redis '{connectionString}' is not a Redis connection string: {ex.Message}");
        }
        // Start even while Redis is down and keep reconnecting: a worker waits it out, a caller gets Unavailable.
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 5000);
        options.ConnectRetry = Math.Max(options.ConnectRetry, 3);
        options.ReconnectRetryPolicy = new LinearRetry(500);
        return await ConnectionMultiplexer.ConnectAsync(options, log).ConfigureAwait(false);
    }

    /// <summary>Whether <paramref name="ex"/> means Redis could not be reached (as opposed to a bug or a bad reply).</summary>
    public static bool IsOutage(Exception ex) => ex is RedisConnectionException or RedisTimeoutException
        || (ex is RedisServerException server && server.Message.StartsWith("LOADING", StringComparison.Ordinal));

    /// <summary>A busy error (HTTP 503, MCP isError): the caller should retry once Redis is back.</summary>
    public static EaselBusyException Unavailable(string endpoint, Exception ex) =>
        new($"Easel is unavailable: its queue (Redis at {endpoint}, Easel:Queue:Redis) cannot be reached, so no worker can take the job. Try again shortly. ({ex.Message})");
}
