using Easel.Engine;
using Easel.Engine.Onnx;

namespace Easel.Testing;

/// <summary>
/// Holds an engine's denoising loop at its Nth UNet call (one call per denoising step, counted across the images of
/// a run) until the test releases it or cancels the run, so a test has a run that is provably still going on any
/// machine, at any load. A cancelled run is let go without an error: stopping it is then the engine's own job.
/// </summary>
public sealed class StepGate : IDisposable
{
    /// <summary>A gate nobody releases fails its run after this long instead of holding the worker forever.</summary>
    private static readonly TimeSpan HoldLimit = TimeSpan.FromMinutes(2);

    private readonly EaselEngine _engine;
    private readonly int _holdAt;
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;

    /// <summary>Attaches to <paramref name="engine"/>; runs started from now on are counted and held.</summary>
    public StepGate(EaselEngine engine, int holdAtCall)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(holdAtCall, 1);
        _engine = engine;
        _holdAt = holdAtCall;
        engine.BeforeUnetCall = OnUnetCall;
    }

    /// <summary>UNet calls begun so far (the held one included).</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Completes when the run is held at the gate; a run that never gets there fails the test with a message.</summary>
    public async Task WaitUntilHeldAsync(TimeSpan timeout)
    {
        try
        {
            await _held.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The run was not held at UNet call {_holdAt} within {timeout} ({Calls} call(s) seen).");
        }
    }

    /// <summary>Lets the held call (and every later one) go on.</summary>
    public void Release() => _released.TrySetResult();

    private void OnUnetCall(IReadOnlyDictionary<string, InputValue> inputs, CancellationToken runCancelled)
    {
        if (Interlocked.Increment(ref _calls) != _holdAt) return;
        _held.TrySetResult();
        try
        {
            if (!_released.Task.Wait(HoldLimit, runCancelled))
                throw new TimeoutException($"StepGate: held at UNet call {_holdAt} for {HoldLimit} and neither released nor cancelled.");
        }
        catch (OperationCanceledException) when (runCancelled.IsCancellationRequested)
        {
            // Let go: from here on it is the engine that must stop the run.
        }
    }

    /// <summary>Releases any held run and detaches from the engine.</summary>
    public void Dispose()
    {
        _released.TrySetResult();
        _engine.BeforeUnetCall = null;
    }
}
