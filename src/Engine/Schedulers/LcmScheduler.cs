using Easel.Engine.Tensors;

namespace Easel.Engine.Schedulers;

/// <summary>
/// Latent Consistency Model multistep sampling (Luo et al. 2023), diffusers' LCMScheduler. Each step maps x_t to a
/// consistency estimate c_skip·x_t + c_out·x0 and, except after the last step, re-noises it to the next timestep.
/// Timesteps are a subset of the original_inference_steps schedule the model was distilled on.
/// </summary>
public sealed class LcmScheduler : SchedulerBase
{
    private const double SigmaData = 0.5;
    private readonly double[] _alphasCumprod;
    private float[]? _noise;

    public LcmScheduler(SchedulerConfig config) : base(config, SchedulerDefaults.Lcm)
    {
        if (config.OriginalInferenceSteps < 1 || config.OriginalInferenceSteps > config.NumTrainTimesteps)
            throw new ArgumentException(
                $"original_inference_steps must be between 1 and {config.NumTrainTimesteps} (got {config.OriginalInferenceSteps}).");
        _alphasCumprod = NoiseSchedule.AlphasCumprod(config, sigmaParameterised: false);
    }

    public override string Name => "lcm";

    /// <summary>LCM runs a subset of the distillation schedule, so it takes at most original_inference_steps steps.</summary>
    public override int MaxInferenceSteps => Config.OriginalInferenceSteps;

    protected override double[] BuildSchedule(int inferenceSteps) => Schedule(inferenceSteps, Config.OriginalInferenceSteps);

    /// <summary>
    /// diffusers' LCM image-to-image rule (LatentConsistencyModelImg2ImgPipeline): strength shortens the distillation
    /// schedule to its lowest ⌊original·strength⌋ entries and the n steps are picked from those, all of them run.
    /// </summary>
    /// <remarks>
    /// Deliberate differences: diffusers refuses n above ⌊original·strength⌋ ("reduce num_inference_steps"); Easel
    /// runs that many steps instead. When ⌊original·strength⌋ is 0 (strength 0) it takes no step and the input is
    /// returned, as for every scheduler.
    /// </remarks>
    public override int SetImageTimesteps(int inferenceSteps, double strength)
    {
        int available = ImageSteps(Config.OriginalInferenceSteps, strength);
        if (available == 0)
        {
            SetTimesteps(inferenceSteps);
            return Timesteps.Count;
        }
        SetSchedule(Math.Min(inferenceSteps, available), n => Schedule(n, available));
        return 0;
    }

    /// <summary>
    /// The distillation schedule k-1, 2k-1, ..., c·k-1 (k = N / original, c = <paramref name="available"/> of its
    /// entries), walked from the top at evenly spaced (floored) positions: 4 of 50 gives 999, 759, 499, 259.
    /// </summary>
    private double[] Schedule(int inferenceSteps, int available)
    {
        int original = Config.OriginalInferenceSteps;
        if (inferenceSteps > original)
            throw new ArgumentOutOfRangeException(nameof(inferenceSteps), inferenceSteps,
                $"LCM can take at most original_inference_steps ({original}) steps.");
        int stride = Config.NumTrainTimesteps / original;
        var positions = NumPy.LinspaceExclusive(0, available, inferenceSteps);
        return Array.ConvertAll(positions, p =>
        {
            int fromTop = (int)Math.Floor(p);
            return (double)((available - fromTop) * stride - 1);
        });
    }

    protected override (double Signal, double Noise) NoiseLevelAt(int stepIndex)
    {
        double alphaBar = _alphasCumprod[(int)Timesteps[stepIndex]];
        return (Math.Sqrt(alphaBar), Math.Sqrt(1 - alphaBar));
    }

    protected override void StepCore(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, GaussianNoise noise)
    {
        double timestep = Timesteps[stepIndex];
        var (alpha, sigma) = NoiseLevelAt(stepIndex);

        // Boundary condition: c_skip → 1, c_out → 0 as t → 0, so the consistency function is the identity there.
        double scaled = timestep * Config.TimestepScaling;
        double cSkip = SigmaData * SigmaData / (scaled * scaled + SigmaData * SigmaData);
        double cOut = scaled / Math.Sqrt(scaled * scaled + SigmaData * SigmaData);

        bool isLast = stepIndex == Timesteps.Count - 1;
        var (nextSignal, nextNoise) = isLast ? (1.0, 0.0) : NoiseLevelAt(stepIndex + 1);
        float[]? z = isLast ? null : DrawNoise(noise, ref _noise, sample.Length);

        for (int i = 0; i < sample.Length; i++)
        {
            double x = sample[i];
            double x0 = PredictionMath.OriginalSample(Prediction, x, modelOutput[i], alpha, sigma);
            if (ClipSample)
                x0 = Math.Clamp(x0, -Config.ClipSampleRange, Config.ClipSampleRange);
            double denoised = cOut * x0 + cSkip * x;
            sample[i] = (float)(z is null ? denoised : nextSignal * denoised + nextNoise * z[i]);
        }
    }
}
