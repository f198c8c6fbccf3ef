using Easel.Engine.Tensors;

namespace Easel.Engine.Schedulers;

/// <summary>
/// Argument checks and add_noise shared by every scheduler. Each scheduler describes its noise level at a step as
/// x = Signal·x0 + Noise·ε in its own sample space, which is all AddNoise needs.
/// </summary>
public abstract class SchedulerBase : IScheduler
{
    private double[] _timesteps = [];

    private protected SchedulerBase(SchedulerConfig config, SchedulerDefaults defaults)
    {
        ArgumentNullException.ThrowIfNull(config);
        Spacing = config.TimestepSpacing ?? defaults.TimestepSpacing;
        StepsOffset = config.StepsOffset ?? defaults.StepsOffset;
        SetAlphaToOne = config.SetAlphaToOne ?? defaults.SetAlphaToOne;
        ClipSample = config.ClipSample ?? defaults.ClipSample;
        Config = config with { TimestepSpacing = Spacing, StepsOffset = StepsOffset, SetAlphaToOne = SetAlphaToOne, ClipSample = ClipSample };
        Prediction = PredictionMath.Parse(config.PredictionType);
        TimestepSpacing.Validate(Spacing);
    }

    public abstract string Name { get; }

    /// <summary>The config as this scheduler reads it: keys the file lacked hold this class's defaults.</summary>
    public SchedulerConfig Config { get; }
    public ModelPrediction Prediction { get; }

    /// <inheritdoc/>
    public virtual int MaxInferenceSteps => Config.NumTrainTimesteps;

    /// <summary>timestep_spacing after class defaults.</summary>
    protected string Spacing { get; }
    /// <summary>steps_offset after class defaults.</summary>
    protected int StepsOffset { get; }
    /// <summary>set_alpha_to_one after class defaults.</summary>
    protected bool SetAlphaToOne { get; }
    /// <summary>clip_sample after class defaults.</summary>
    protected bool ClipSample { get; }
    public IReadOnlyList<double> Timesteps => _timesteps;
    public virtual float InitNoiseSigma => 1f;

    public void SetTimesteps(int inferenceSteps) => SetSchedule(inferenceSteps, BuildSchedule);

    /// <summary>
    /// diffusers' image-to-image start (StableDiffusionImg2ImgPipeline.get_timesteps): the full schedule, and the
    /// last init = min(⌊n·strength⌋, n) of its n steps are run, from index n − init (PNDM's n + 1 entries
    /// included, so PNDM runs init + 1 model calls as diffusers does).
    /// </summary>
    /// <remarks>
    /// Deliberate difference: when init is 0 diffusers produces no image (an empty schedule; PNDM runs one
    /// entry); Easel returns Timesteps.Count, i.e. no step, so the edit returns the input unchanged.
    /// </remarks>
    public virtual int SetImageTimesteps(int inferenceSteps, double strength)
    {
        int init = ImageSteps(inferenceSteps, strength);
        SetTimesteps(inferenceSteps);
        return init == 0 ? Timesteps.Count : inferenceSteps - init;
    }

    /// <summary>min(⌊count·strength⌋, count), Python's int() of the product as diffusers computes it.</summary>
    protected static int ImageSteps(int count, double strength)
    {
        if (!double.IsFinite(strength) || strength < 0 || strength > 1)
            throw new ArgumentOutOfRangeException(nameof(strength), strength, "Strength must be between 0 and 1.");
        return Math.Min((int)Math.Floor(count * strength), count);
    }

    /// <summary>Checks the step count, builds the schedule with <paramref name="build"/> and checks its timesteps.</summary>
    protected void SetSchedule(int inferenceSteps, Func<int, double[]> build)
    {
        if (inferenceSteps < 1 || inferenceSteps > MaxInferenceSteps)
            throw new ArgumentOutOfRangeException(nameof(inferenceSteps), inferenceSteps,
                $"Inference steps must be between 1 and {MaxInferenceSteps}.");
        var timesteps = build(inferenceSteps);
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
    protected double FinalAlphaCumprod(double[] alphasCumprod) => SetAlphaToOne ? 1.0 : alphasCumprod[0];

    private InvalidOperationException NotReady() => new($"Call SetTimesteps before using the {Name} scheduler.");
}
