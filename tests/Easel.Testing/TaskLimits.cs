namespace Easel.Testing;

/// <summary>
/// A generous limit on an awaited call that could hang: a hang fails the test with a message naming the call instead
/// of stalling the suite. Not a speed check — only a hang gets near it, even on a loaded 2-core machine.
/// </summary>
public static class TaskLimits
{
    public static readonly TimeSpan Call = TimeSpan.FromMinutes(2);

    public static async Task<T> Within<T>(this Task<T> task, string what, TimeSpan? limit = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        var timeout = limit ?? Call;
        try
        {
            return await task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{what}: no answer within {timeout}.");
        }
    }

    public static async Task Within(this Task task, string what, TimeSpan? limit = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        var timeout = limit ?? Call;
        try
        {
            await task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{what}: not done within {timeout}.");
        }
    }
}
