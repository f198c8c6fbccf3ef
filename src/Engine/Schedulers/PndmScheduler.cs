using Easel.Engine.Tensors;

namespace Easel.Engine.Schedulers;

/// <summary>
/// PNDM's pseudo linear multistep path (Liu et al. 2022, "PLMS"; diffusers' PNDMScheduler with skip_prk_steps).
/// Adams–Bashforth combinations (orders 1..4) of the recent model outputs feed the DDIM-equivalent transfer
/// x_prev = sqrt(ᾱ_prev/ᾱ)·x − (ᾱ_prev − ᾱ)·ε / (ᾱ·sqrt(1−ᾱ_prev) + sqrt(ᾱ(1−ᾱ)ᾱ_prev)) from t to t − ⌊N/n⌋.
/// The schedule repeats its second timestep: the second call re-does the first step, from t + ⌊N/n⌋ with the
/// first call's sample and the average of both outputs (a Heun-like warm-up), so n steps cost n + 1 model calls.
/// </summary>
/// <remarks>
/// Like diffusers, the warm-up is keyed on the number of calls since SetTimesteps, not on the schedule, so an
/// img2img run that starts part-way treats its second call as the redo too; and the raw model outputs are combined
/// before one conversion to ε with the sample being moved (for v_prediction this is diffusers' rule, not an
/// exact conversion of each step's v). Easel implements only the PLMS path: an absent skip_prk_steps means true.
/// </remarks>
public sealed class PndmScheduler : SchedulerBase
{
    private readonly double[] _alphasCumprod;
    private readonly double _finalAlphaCumprod;
    private readonly List<float[]> _recentOutputs = [];  // raw model outputs, newest last (at most 4)
    private float[]? _firstSample;                        // x at the first call, re-used by the redo
    private int _calls;
    private int _stride;

    public PndmScheduler(SchedulerConfig config) : base(config, SchedulerDefaults.Pndm)
    {
        if (!config.SkipPrkSteps)
            throw new NotSupportedException("PNDM with skip_prk_steps = false (Runge–Kutta warm-up) is not implemented.");
        _alphasCumprod = NoiseSchedule.AlphasCumprod(config, sigmaParameterised: false);
        _finalAlphaCumprod = FinalAlphaCumprod(_alphasCumprod);
    }

    public override string Name => "pndm";

    protected override double[] BuildSchedule(int inferenceSteps)
    {
        _recentOutputs.Clear();
        _firstSample = null;
        _calls = 0;
        _stride = Config.NumTrainTimesteps / inferenceSteps;

        // [t_0, t_1, t_1, t_2, ..., t_{n-1}]: diffusers' PLMS list (751, 501, 501, 251, 1 for 4 leading steps).
        double[] spaced = TimestepSpacing.Descending(Spacing, Config.NumTrainTimesteps, inferenceSteps, StepsOffset,
            roundLinspace: true);
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
        int timestep = (int)Timesteps[stepIndex];
        int previous = timestep - _stride;
        if (_calls != 1)
        {
            if (_recentOutputs.Count == 4)
                _recentOutputs.RemoveAt(0);
            _recentOutputs.Add(modelOutput.ToArray());
        }
        else
        {
            // The redo: from one stride above this timestep down to it.
            previous = timestep;
            timestep = Math.Min(timestep + _stride, Config.NumTrainTimesteps - 1);
        }

        ReadOnlySpan<float> start = sample;
        float[] combined;
        if (_recentOutputs.Count == 1 && _calls == 0)
        {
            combined = _recentOutputs[0];
            _firstSample = sample.ToArray();
        }
        else if (_recentOutputs.Count == 1 && _calls == 1)
        {
            combined = new float[length];
            var first = _recentOutputs[0];
            for (int i = 0; i < length; i++)
                combined[i] = (modelOutput[i] + first[i]) / 2;
            start = _firstSample;
            _firstSample = null;
        }
        else
        {
            combined = AdamsBashforth();
        }

        Transfer(start, combined, timestep, previous, sample);
        _calls++;
    }

    /// <summary>Linear multistep combination of the stored outputs, order = how many are stored (2..4).</summary>
    private float[] AdamsBashforth()
    {
        var e = _recentOutputs;
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

    /// <summary>
    /// Moves x from timestep <paramref name="from"/> to <paramref name="to"/> (negative: past t = 0) along the
    /// combined output, converted to ε with x at <paramref name="from"/>.
    /// </summary>
    private void Transfer(ReadOnlySpan<float> x, float[] output, int from, int to, Span<float> destination)
    {
        double alphaBar = _alphasCumprod[from];
        double alphaBarPrev = to >= 0 ? _alphasCumprod[to] : _finalAlphaCumprod;
        double alpha = Math.Sqrt(alphaBar), sigma = Math.Sqrt(1 - alphaBar);
        double sampleScale = Math.Sqrt(alphaBarPrev / alphaBar);
        double denominator = alphaBar * Math.Sqrt(1 - alphaBarPrev) + Math.Sqrt(alphaBar * (1 - alphaBar) * alphaBarPrev);
        double epsScale = (alphaBarPrev - alphaBar) / denominator;
        for (int i = 0; i < destination.Length; i++)
        {
            double eps = PredictionMath.Noise(Prediction, x[i], output[i], alpha, sigma);
            destination[i] = (float)(sampleScale * x[i] - epsScale * eps);
        }
    }
}
