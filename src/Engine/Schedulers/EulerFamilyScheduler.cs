namespace Easel.Engine.Schedulers;

/// <summary>
/// The k-diffusion parameterisation shared by Euler and Euler ancestral: the sample is x = x0 + σ·ε, the model sees
/// x / sqrt(σ²+1), and the schedule is a list of σ ending in 0 (diffusers' EulerDiscreteScheduler set_timesteps).
/// </summary>
public abstract class EulerFamilyScheduler : SchedulerBase
{
    private readonly double[] _sigmasTrain;
    private readonly double[] _logSigmasTrain;
    private readonly bool _useKarras;
    private double[] _sigmas = [];

    private protected EulerFamilyScheduler(SchedulerConfig config, bool useKarras) : base(config, SchedulerDefaults.EulerDiscrete)
    {
        _sigmasTrain = NoiseSchedule.Sigmas(NoiseSchedule.AlphasCumprod(config, sigmaParameterised: true));
        _logSigmasTrain = Array.ConvertAll(_sigmasTrain, Math.Log);
        _useKarras = useKarras;
    }

    /// <summary>σ at each step, plus a final 0 (Count + 1 values).</summary>
    public IReadOnlyList<double> Sigmas => _sigmas;

    /// <summary>
    /// diffusers: sqrt(σ_max²+1) for leading spacing, but plain σ_max for linspace and trailing (where σ_max is the
    /// training maximum and the difference is negligible).
    /// </summary>
    public override float InitNoiseSigma
    {
        get
        {
            double max = _sigmas.Length > 0 ? _sigmas.Max() : _sigmasTrain[^1];
            return Spacing == TimestepSpacing.Leading ? (float)Math.Sqrt(max * max + 1) : (float)max;
        }
    }

    public override void ScaleModelInput(Span<float> sample, int stepIndex)
    {
        CheckStepIndex(stepIndex);
        double sigma = _sigmas[stepIndex];
        float scale = (float)(1 / Math.Sqrt(sigma * sigma + 1));
        for (int i = 0; i < sample.Length; i++)
            sample[i] *= scale;
    }

    protected override double[] BuildSchedule(int inferenceSteps)
    {
        // Euler keeps fractional linspace timesteps (as float32, like diffusers) and interpolates σ linearly in t.
        double[] timesteps = TimestepSpacing.Descending(Spacing, Config.NumTrainTimesteps,
            inferenceSteps, StepsOffset, roundLinspace: false);
        timesteps = Array.ConvertAll(timesteps, t => (double)(float)t);
        double[] sigmas = Array.ConvertAll(timesteps, t => NumPy.InterpolateAtIndex(_sigmasTrain, t));

        if (_useKarras)
        {
            // Karras spacing between the σ of the first and last spaced timesteps; timesteps follow the σ.
            sigmas = SigmaSpace.Karras(sigmas[0], sigmas[^1], inferenceSteps);
            timesteps = Array.ConvertAll(sigmas, s => (double)(float)SigmaSpace.SigmaToTimestep(s, _logSigmasTrain));
        }

        _sigmas = [.. sigmas, 0.0];
        return timesteps;
    }

    protected override (double Signal, double Noise) NoiseLevelAt(int stepIndex) => (1, _sigmas[stepIndex]);

    /// <summary>x0 implied by the model output for x = x0 + σ·ε (converted through the variance-preserving form).</summary>
    protected double OriginalSample(double x, double output, double sigma)
    {
        var (alpha, sigmaVp) = SigmaSpace.ToAlphaSigma(sigma);
        return PredictionMath.OriginalSample(Prediction, x * alpha, output, alpha, sigmaVp);
    }
}
