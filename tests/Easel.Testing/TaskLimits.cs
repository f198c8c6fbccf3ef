namespace Easel.Testing;

/// <summary>A limit on an await that may hang, so a hang fails the test with a message instead of stalling the run.</summary>
public static class TaskLimits
{
    /// <summary>Generous: a generation on a loaded machine, never a speed check.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromMinutes(2);

    public static async Task<T> Within<T>(this Task<T> task, string what, TimeSpan? limit = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        try
        {
            return await task.WaitAsync(limit ?? Default).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{what} did not finish within {(limit ?? Default).TotalSeconds:F0} s.");
        }
    }

    public static async Task Within(this Task task, string what, TimeSpan? limit = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        try
        {
            await task.WaitAsync(limit ?? Default).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{what} did not finish within {(limit ?? Default).TotalSeconds:F0} s.");
        }
    }
}
