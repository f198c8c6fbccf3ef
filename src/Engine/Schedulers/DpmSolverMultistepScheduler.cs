using Easel.Engine.Tensors;

namespace Easel.Engine.Schedulers;

/// <summary>
/// DPM-Solver++(2M) (Lu et al. 2022), diffusers' DPMSolverMultistepScheduler with algorithm_type "dpmsolver++",
/// solver_order 2, solver_type "midpoint", lower_order_final and final_sigmas_type "zero". It works on x0
/// predictions in half-log-SNR λ = −ln σ; the sample stays in the variance-preserving scale x = α·x0 + σ_vp·ε,
/// so the model input is not rescaled and InitNoiseSigma is 1.
/// </summary>
public sealed class DpmSolverMultistepScheduler : SchedulerBase
{
    private readonly double[] _sigmasTrain;
    private readonly double[] _logSigmasTrain;
    private readonly bool _useKarras;
    private double[] _sigmas = [];
    private float[]? _previousX0;
    private float[]? _currentX0;
    private int _stepsTaken;

    public DpmSolverMultistepScheduler(SchedulerConfig config) : base(config, SchedulerDefaults.DpmSolverMultistep)
    {
        _sigmasTrain = NoiseSchedule.Sigmas(NoiseSchedule.AlphasCumprod(config, sigmaParameterised: true));
        _logSigmasTrain = Array.ConvertAll(_sigmasTrain, Math.Log);
        _useKarras = config.UseKarrasSigmas;
    }

    public override string Name => _useKarras ? "dpmpp_2m_karras" : "dpmpp_2m";

    /// <summary>σ (k-diffusion scale) at each step, plus a final 0 (Count + 1 values).</summary>
    public IReadOnlyList<double> Sigmas => _sigmas;

    protected override double[] BuildSchedule(int inferenceSteps)
    {
        _stepsTaken = 0;
        double[] timesteps;
        double[] sigmas;
        if (_useKarras)
        {
            // Karras spacing over the whole training range; timesteps follow the σ, rounded except for cosine betas.
            sigmas = SigmaSpace.Karras(_sigmasTrain[^1], _sigmasTrain[0], inferenceSteps);
            timesteps = Array.ConvertAll(sigmas, s => SigmaSpace.SigmaToTimestep(s, _logSigmasTrain));
            if (Config.BetaSchedule != "squaredcos_cap_v2")
                timesteps = Array.ConvertAll(timesteps, NumPy.Round);
        }
        else
        {
            timesteps = SpacedTimesteps(inferenceSteps);
            sigmas = Array.ConvertAll(timesteps, t => NumPy.InterpolateAtIndex(_sigmasTrain, t));
        }

        _sigmas = [.. sigmas, 0.0];
        return timesteps;
    }

    /// <summary>
    /// diffusers' DPM-Solver spacing: linspace and leading lay out n+1 points and drop the one at the bottom
    /// (so leading for 4 steps is 801, 601, 401, 201); trailing is the common rule.
    /// </summary>
    private double[] SpacedTimesteps(int n)
    {
        string spacing = Spacing;
        int train = Config.NumTrainTimesteps;
        if (spacing == TimestepSpacing.Trailing)
            return TimestepSpacing.Descending(spacing, train, n, StepsOffset, roundLinspace: true);
        double[] withBottom = TimestepSpacing.Descending(spacing, train, n + 1, StepsOffset, roundLinspace: true);
        return withBottom[..n];
    }

    protected override (double Signal, double Noise) NoiseLevelAt(int stepIndex) => SigmaSpace.ToAlphaSigma(_sigmas[stepIndex]);

    protected override void StepCore(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, GaussianNoise noise)
    {
        int length = sample.Length;
        if (_currentX0 is null || _currentX0.Length != length)
        {
            _currentX0 = new float[length];
            _previousX0 = new float[length];
            _stepsTaken = 0;
        }

        // The data prediction D = x0 for this step; keep the last one for the second-order correction.
        (_previousX0, _currentX0) = (_currentX0, _previousX0!);
        var (alphaS, sigmaS) = SigmaSpace.ToAlphaSigma(_sigmas[stepIndex]);
        for (int i = 0; i < length; i++)
            _currentX0[i] = (float)PredictionMath.OriginalSample(Prediction, sample[i], modelOutput[i], alphaS, sigmaS);

        double sigmaNextK = _sigmas[stepIndex + 1];
        bool isLast = stepIndex == Timesteps.Count - 1;
        // First order on the first step taken (img2img may start anywhere) and on the final step (σ → 0).
        bool secondOrder = _stepsTaken >= 1 && !isLast && stepIndex >= 1;

        if (sigmaNextK == 0)
        {
            _currentX0.AsSpan().CopyTo(sample);
        }
        else
        {
            var (alphaT, sigmaT) = SigmaSpace.ToAlphaSigma(sigmaNextK);
            double h = Math.Log(_sigmas[stepIndex] / sigmaNextK);      // λ_t − λ_s, with λ = −ln σ
            double sampleScale = sigmaT / sigmaS;
            double x0Scale = alphaT * (1 - sigmaNextK / _sigmas[stepIndex]); // α_t(1 − e^{−h})
            double correctionScale = 0;
            if (secondOrder)
            {
                double hPrevious = Math.Log(_sigmas[stepIndex - 1] / _sigmas[stepIndex]);
                correctionScale = 0.5 * x0Scale * h / hPrevious;          // ½·α_t(1 − e^{−h})·(1/r0)
            }

            for (int i = 0; i < length; i++)
            {
                double d0 = _currentX0[i];
                double d1 = secondOrder ? d0 - _previousX0![i] : 0;
                sample[i] = (float)(sampleScale * sample[i] + x0Scale * d0 + correctionScale * d1);
            }
        }

        _stepsTaken++;
    }
}
