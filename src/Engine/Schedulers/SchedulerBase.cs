using Easel.Engine.Tensors;

namespace Easel.Engine.Schedulers;

/// <summary>
/// Argument checks and add_noise shared by every scheduler. Each scheduler describes its noise level at a step as
/// x = Signal·x0 + Noise·ε in its own sample space, which is all AddNoise needs.
/// </summary>
public abstract class SchedulerBase : IScheduler
{
    private double[] _timesteps = [];

    protected SchedulerBase(SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        Prediction = PredictionMath.Parse(config.PredictionType);
        TimestepSpacing.Validate(config.TimestepSpacing);
    }

    public abstract string Name { get; }
    public SchedulerConfig Config { get; }
    public ModelPrediction Prediction { get; }
    public IReadOnlyList<double> Timesteps => _timesteps;
    public virtual float InitNoiseSigma => 1f;

    public void SetTimesteps(int inferenceSteps)
    {
        if (inferenceSteps < 1 || inferenceSteps > Config.NumTrainTimesteps)
            throw new ArgumentOutOfRangeException(nameof(inferenceSteps), inferenceSteps,
                $"Inference steps must be between 1 and {Config.NumTrainTimesteps}.");
        var timesteps = BuildSchedule(inferenceSteps);
        foreach (double t in timesteps)
        {
            if (t < 0 || t > Config.NumTrainTimesteps - 1)
                throw new ArgumentException(
                    $"Timestep {t} for {inferenceSteps} steps is outside 0..{Config.NumTrainTimesteps - 1}; check steps_offset.");
        }
        _timesteps = timesteps;
    }

    public virtual void ScaleModelInput(Span<float> sample, int stepIndex) => CheckStepIndex(stepIndex);

    public void Step(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, GaussianNoise noise)
    {
        CheckStepIndex(stepIndex);
        if (modelOutput.Length != sample.Length)
            throw new ArgumentException(
                $"Model output has {modelOutput.Length} values but the sample has {sample.Length}.", nameof(modelOutput));
        StepCore(modelOutput, stepIndex, sample, noise);
    }

    /// <summary>The noise level at Timesteps[stepIndex] (stepIndex == Count: fully denoised, (1, 0)).</summary>
    public (double Signal, double Noise) NoiseLevel(int stepIndex)
    {
        if (_timesteps.Length == 0)
            throw NotReady();
        if ((uint)stepIndex > (uint)_timesteps.Length)
            throw new ArgumentOutOfRangeException(nameof(stepIndex), stepIndex, $"Expected 0..{_timesteps.Length}.");
        return stepIndex == _timesteps.Length ? (1, 0) : NoiseLevelAt(stepIndex);
    }

    public void AddNoise(ReadOnlySpan<float> original, ReadOnlySpan<float> noise, int stepIndex, Span<float> destination)
    {
        if (noise.Length != original.Length || destination.Length != original.Length)
            throw new ArgumentException(
                $"original ({original.Length}), noise ({noise.Length}) and destination ({destination.Length}) lengths differ.");
        var (signal, noiseScale) = NoiseLevel(stepIndex);
        for (int i = 0; i < original.Length; i++)
            destination[i] = (float)(signal * original[i] + noiseScale * noise[i]);
    }

    /// <summary>Computes the schedule for <paramref name="inferenceSteps"/> and resets any multistep state.</summary>
    protected abstract double[] BuildSchedule(int inferenceSteps);

    /// <summary>One update; arguments are already validated.</summary>
    protected abstract void StepCore(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, GaussianNoise noise);

    /// <summary>x = Signal·x0 + Noise·ε at Timesteps[stepIndex], stepIndex &lt; Count.</summary>
    protected abstract (double Signal, double Noise) NoiseLevelAt(int stepIndex);

    protected void CheckStepIndex(int stepIndex)
    {
        if (_timesteps.Length == 0)
            throw NotReady();
        if ((uint)stepIndex >= (uint)_timesteps.Length)
            throw new ArgumentOutOfRangeException(nameof(stepIndex), stepIndex, $"Expected 0..{_timesteps.Length - 1}.");
    }

    /// <summary>Fills a reusable buffer with fresh standard normals for stochastic steps.</summary>
    protected static float[] DrawNoise(GaussianNoise noise, ref float[]? buffer, int length)
    {
        ArgumentNullException.ThrowIfNull(noise);
        if (buffer is null || buffer.Length != length)
            buffer = new float[length];
        noise.Fill(buffer);
        return buffer;
    }

    /// <summary>ᾱ after the last step when the schedule runs past t = 0 (diffusers' final_alpha_cumprod).</summary>
    protected static double FinalAlphaCumprod(SchedulerConfig config, double[] alphasCumprod) =>
        config.SetAlphaToOne ? 1.0 : alphasCumprod[0];

    private InvalidOperationException NotReady() => new($"Call SetTimesteps before using the {Name} scheduler.");
}
