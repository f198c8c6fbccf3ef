using Easel.Engine.Tensors;

namespace Easel.Engine.Schedulers;

/// <summary>
/// PNDM's pseudo linear multistep path (Liu et al. 2022, "PLMS"; diffusers' PNDMScheduler with skip_prk_steps).
/// Adams–Bashforth combinations (orders 1..4) of the recent ε feed the DDIM-equivalent transfer
/// x_prev = sqrt(ᾱ_prev/ᾱ)·x − (ᾱ_prev − ᾱ)·ε / (ᾱ·sqrt(1−ᾱ_prev) + sqrt(ᾱ(1−ᾱ)ᾱ_prev)).
/// The schedule repeats its second timestep: the second evaluation re-does the first step with the average of
/// the two ε (a Heun-like warm-up), so n steps cost n + 1 model calls. Multistep state counts the calls made
/// since SetTimesteps, so an img2img run may start at any index.
/// </summary>
/// <remarks>
/// Unlike diffusers, model outputs are converted to ε at their own step before being combined (diffusers combines
/// raw v predictions and converts with the current sample), which keeps v_prediction exact for the true v.
/// </remarks>
public sealed class PndmScheduler : SchedulerBase
{
    private readonly double[] _alphasCumprod;
    private readonly double _finalAlphaCumprod;
    private readonly List<float[]> _recentNoise = [];   // ε of the last steps, newest last (at most 4)
    private float[]? _firstSample;                       // x at the first step taken, re-used by the second
    private double _firstTimestep;
    private int _stepsTaken;

    public PndmScheduler(SchedulerConfig config) : base(config)
    {
        if (!config.SkipPrkSteps)
            throw new NotSupportedException("PNDM with skip_prk_steps = false (Runge–Kutta warm-up) is not implemented.");
        _alphasCumprod = NoiseSchedule.AlphasCumprod(config, sigmaParameterised: false);
        _finalAlphaCumprod = FinalAlphaCumprod(config, _alphasCumprod);
    }

    public override string Name => "pndm";

    protected override double[] BuildSchedule(int inferenceSteps)
    {
        _recentNoise.Clear();
        _firstSample = null;
        _stepsTaken = 0;

        // [t_0, t_1, t_1, t_2, ..., t_{n-1}]: diffusers' PLMS list (751, 501, 501, 251, 1 for 4 leading steps).
        double[] spaced = TimestepSpacing.Descending(Config.TimestepSpacing, Config.NumTrainTimesteps, inferenceSteps,
            Config.StepsOffset, roundLinspace: true);
        if (spaced.Length == 1)
            return spaced;
        return [spaced[0], spaced[1], .. spaced[1..]];
    }

    protected override (double Signal, double Noise) NoiseLevelAt(int stepIndex)
    {
        double alphaBar = _alphasCumprod[(int)Timesteps[stepIndex]];
        return (Math.Sqrt(alphaBar), Math.Sqrt(1 - alphaBar));
    }

    protected override void StepCore(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, GaussianNoise noise)
    {
        int length = sample.Length;
        double timestep = Timesteps[stepIndex];
        var eps = ToNoise(modelOutput, sample, timestep);

        double from, to;
        ReadOnlySpan<float> start = sample;
        float[] combined;
        if (_stepsTaken == 1 && _firstSample is not null && IsRepeatedNext(stepIndex))
        {
            // Second call on the repeated timestep: redo the first transfer from its starting sample with the
            // average of both ε; the next call evaluates the same timestep again at the improved sample.
            from = _firstTimestep;
            to = timestep;
            var firstEps = _recentNoise[^1];
            combined = new float[length];
            for (int i = 0; i < length; i++)
                combined[i] = (eps[i] + firstEps[i]) / 2;
            start = _firstSample;
            _firstSample = null;
        }
        else
        {
            from = timestep;
            to = stepIndex + 1 < Timesteps.Count ? Timesteps[stepIndex + 1] : -1;
            if (_recentNoise.Count == 4)
                _recentNoise.RemoveAt(0);
            _recentNoise.Add(eps);
            combined = AdamsBashforth();
            if (_stepsTaken == 0)
            {
                _firstSample = sample.ToArray();
                _firstTimestep = timestep;
            }
        }

        Transfer(start, combined, from, to, sample);
        _stepsTaken++;
    }

    /// <summary>
    /// True when the next entry repeats this timestep, i.e. this call is the warm-up redo. diffusers keys the redo on
    /// the call count alone, so an img2img run that starts past the repeated entry ends up one timestep behind.
    /// </summary>
    private bool IsRepeatedNext(int stepIndex) =>
        stepIndex + 1 < Timesteps.Count && Timesteps[stepIndex + 1] == Timesteps[stepIndex];

    /// <summary>Linear multistep combination of the stored ε, order = how many are stored (1..4).</summary>
    private float[] AdamsBashforth()
    {
        var e = _recentNoise;
        int n = e.Count;
        var result = new float[e[^1].Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = n switch
            {
                1 => e[0][i],
                2 => (3 * e[1][i] - e[0][i]) / 2,
                3 => (23 * e[2][i] - 16 * e[1][i] + 5 * e[0][i]) / 12,
                _ => (55 * e[3][i] - 59 * e[2][i] + 37 * e[1][i] - 9 * e[0][i]) / 24,
            };
        }
        return result;
    }

    private float[] ToNoise(ReadOnlySpan<float> modelOutput, ReadOnlySpan<float> sample, double timestep)
    {
        double alphaBar = _alphasCumprod[(int)timestep];
        double alpha = Math.Sqrt(alphaBar), sigma = Math.Sqrt(1 - alphaBar);
        var eps = new float[sample.Length];
        for (int i = 0; i < eps.Length; i++)
            eps[i] = (float)PredictionMath.Noise(Prediction, sample[i], modelOutput[i], alpha, sigma);
        return eps;
    }

    /// <summary>Moves x from timestep <paramref name="from"/> to <paramref name="to"/> (−1: past t = 0) along ε.</summary>
    private void Transfer(ReadOnlySpan<float> x, float[] eps, double from, double to, Span<float> destination)
    {
        double alphaBar = _alphasCumprod[(int)from];
        double alphaBarPrev = to >= 0 ? _alphasCumprod[(int)to] : _finalAlphaCumprod;
        double sampleScale = Math.Sqrt(alphaBarPrev / alphaBar);
        double denominator = alphaBar * Math.Sqrt(1 - alphaBarPrev) + Math.Sqrt(alphaBar * (1 - alphaBar) * alphaBarPrev);
        double epsScale = (alphaBarPrev - alphaBar) / denominator;
        for (int i = 0; i < destination.Length; i++)
            destination[i] = (float)(sampleScale * x[i] - epsScale * eps[i]);
    }
}
