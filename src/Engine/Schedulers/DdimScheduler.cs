using Easel.Engine.Tensors;

namespace Easel.Engine.Schedulers;

/// <summary>
/// DDIM (Song et al. 2020), diffusers' DDIMScheduler: x_prev = sqrt(ᾱ_prev)·x0 + sqrt(1-ᾱ_prev-σ²)·ε + σ·z with
/// σ = η·sqrt((1-ᾱ_prev)/(1-ᾱ)·(1-ᾱ/ᾱ_prev)). Deterministic at η = 0.
/// </summary>
/// <remarks>
/// As in diffusers, the previous timestep is t − ⌊N/n⌋ (ᾱ of "past 0" when negative), not the next schedule entry:
/// the same for leading spacing, between entries for linspace and for trailing when n does not divide N.
/// </remarks>
public sealed class DdimScheduler : SchedulerBase
{
    private readonly double[] _alphasCumprod;
    private readonly double _finalAlphaCumprod;
    private float[]? _noise;

    private int _stride;

    public DdimScheduler(SchedulerConfig config) : base(config, SchedulerDefaults.Ddim)
    {
        if (config.Eta < 0)
            throw new ArgumentException($"DDIM eta must be non-negative (got {config.Eta}).");
        _alphasCumprod = NoiseSchedule.AlphasCumprod(config, sigmaParameterised: false);
        _finalAlphaCumprod = FinalAlphaCumprod(_alphasCumprod);
    }

    public override string Name => "ddim";

    protected override double[] BuildSchedule(int inferenceSteps)
    {
        _stride = Config.NumTrainTimesteps / inferenceSteps;
        return TimestepSpacing.Descending(Spacing, Config.NumTrainTimesteps, inferenceSteps, StepsOffset, roundLinspace: true);
    }

    protected override (double Signal, double Noise) NoiseLevelAt(int stepIndex)
    {
        double alphaBar = AlphaCumprodAt(stepIndex);
        return (Math.Sqrt(alphaBar), Math.Sqrt(1 - alphaBar));
    }

    protected override void StepCore(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, GaussianNoise noise)
    {
        double alphaBar = AlphaCumprodAt(stepIndex);
        int previous = (int)Timesteps[stepIndex] - _stride;
        double alphaBarPrev = previous >= 0 ? _alphasCumprod[previous] : _finalAlphaCumprod;
        double alpha = Math.Sqrt(alphaBar), sigma = Math.Sqrt(1 - alphaBar);

        double variance = (1 - alphaBarPrev) / (1 - alphaBar) * (1 - alphaBar / alphaBarPrev);
        double std = Config.Eta * Math.Sqrt(Math.Max(variance, 0));
        double x0Scale = Math.Sqrt(alphaBarPrev);
        double epsScale = Math.Sqrt(Math.Max(1 - alphaBarPrev - std * std, 0));
        float[]? z = std > 0 ? DrawNoise(noise, ref _noise, sample.Length) : null;

        for (int i = 0; i < sample.Length; i++)
        {
            double x = sample[i], output = modelOutput[i];
            double x0 = PredictionMath.OriginalSample(Prediction, x, output, alpha, sigma);
            double eps = PredictionMath.Noise(Prediction, x, output, alpha, sigma);
            if (ClipSample)
                x0 = Math.Clamp(x0, -Config.ClipSampleRange, Config.ClipSampleRange);
            double next = x0Scale * x0 + epsScale * eps;
            if (z is not null)
                next += std * z[i];
            sample[i] = (float)next;
        }
    }

    private double AlphaCumprodAt(int index) => _alphasCumprod[(int)Timesteps[index]];
}
