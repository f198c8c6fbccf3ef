using Easel.Engine.Models;
using Easel.Engine.Onnx;
using Easel.Engine.Tensors;
using Easel.Engine.Text;

namespace Easel.Engine.Pipelines;

/// <summary>
/// Feeds one denoising step to a UNet export, whatever its signature: timestep as rank 0, [1] or [batch] in its
/// declared dtype; SDXL's text_embeds/time_ids; LCM's timestep_cond; 9-channel inpaint inputs. With classifier-free
/// guidance it runs unconditional and conditional as one batch-2 call and returns the guided prediction.
/// </summary>
internal sealed class UnetRunner
{
    private readonly OnnxModel _unet;
    private readonly string _outputName;
    private readonly Dictionary<string, InputValue> _constantInputs = new();
    private readonly bool _cfg;
    private readonly double _guidance;
    private readonly double _guidanceRescale;
    private readonly TensorSpec _timestep;
    private readonly int _latentMultiple;

    public UnetRunner(ModelFolder model, EncodedPrompt prompt, int width, int height, double guidance, double guidanceRescale)
    {
        _unet = model.Unet;
        var caps = model.Capabilities;
        _outputName = _unet.OutputNamed("out_sample", "latent", "noise_pred", _unet.Outputs.Keys.First());
        _timestep = _unet.Input("timestep");
        _latentMultiple = caps.UnetLatentMultiple;
        _cfg = prompt.Unconditional is not null;
        _guidance = guidance;
        _guidanceRescale = guidanceRescale;
        int batch = _cfg ? 2 : 1;

        _constantInputs["encoder_hidden_states"] = _cfg
            ? Tensor.ConcatBatch([prompt.Unconditional!, prompt.Conditional])
            : prompt.Conditional;
        if (_unet.HasInput("text_embeds"))
        {
            var pooled = prompt.PooledConditional ?? throw new EaselException($"Model '{model.Name}' needs pooled text embeddings (text_encoder_2).");
            _constantInputs["text_embeds"] = _cfg ? Tensor.ConcatBatch([prompt.PooledUnconditional!, pooled]) : pooled;
        }
        if (_unet.HasInput("time_ids"))
            _constantInputs["time_ids"] = TimeIds(caps.IsRefiner, width, height, batch);
        if (caps.IsLcm)
            _constantInputs["timestep_cond"] = GuidanceEmbedding(guidance - 1.0, caps.TimestepCondDim, batch);
    }

    public bool UsesGuidance => _cfg;

    /// <summary>Test seam: sees each UNet call's inputs on the worker thread just before it runs (it may block).</summary>
    public Action<IReadOnlyDictionary<string, InputValue>, CancellationToken>? BeforeCall { get; init; }

    /// <summary>Predicts noise (or v) for <paramref name="scaledLatents"/> [1,C,h,w]; <paramref name="extraChannels"/>
    /// (inpaint mask + masked-image latents) are appended on the channel axis.</summary>
    public float[] Predict(Tensor scaledLatents, Tensor? extraChannels, double timestep, RunTimings? timings, CancellationToken ct)
    {
        var input = extraChannels is null ? scaledLatents : Tensor.ConcatChannels([scaledLatents, extraChannels]);
        int h = input.Shape[2], w = input.Shape[3];
        input = input.PadSpatial(RoundUp(h, _latentMultiple), RoundUp(w, _latentMultiple));
        int batch = _cfg ? 2 : 1;
        var inputs = new Dictionary<string, InputValue>(_constantInputs)
        {
            ["sample"] = _cfg ? Tensor.ConcatBatch([input, input]) : input,
            ["timestep"] = TimestepValue(timestep, batch),
        };
        BeforeCall?.Invoke(inputs, ct);
        var output = _unet.Run(inputs, [_outputName], timings, ct)[_outputName].CropSpatial(h, w);
        if (!_cfg) return output.Data;

        var uncond = output.Item(0);
        var cond = output.Item(1);
        var guided = new float[cond.Length];
        for (int i = 0; i < guided.Length; i++)
            guided[i] = uncond[i] + (float)_guidance * (cond[i] - uncond[i]);
        if (_guidanceRescale > 0)
            RescaleGuidance(guided, cond, _guidanceRescale);
        return guided;
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private InputValue TimestepValue(double t, int batch)
    {
        if (_timestep.Rank == 0) return InputValue.FromFloats([(float)t]);
        int n = _timestep.FixedDimension(0) == 1 ? 1 : batch;
        return _timestep.IsFloatingPoint
            ? InputValue.FromFloats(Enumerable.Repeat((float)t, n).ToArray(), n)
            : InputValue.FromIntegers(Enumerable.Repeat((long)Math.Round(t), n).ToArray(), n);
    }

    /// <summary>Guidance rescale (Lin et al. 2023, "Common Diffusion Noise Schedules…" §3.4): match the guided
    /// prediction's std to the conditional one's, then mix by <paramref name="phi"/>.</summary>
    internal static void RescaleGuidance(Span<float> guided, ReadOnlySpan<float> cond, double phi)
    {
        double stdCond = Std(cond), stdGuided = Std(guided);
        if (stdGuided == 0) return;
        double factor = stdCond / stdGuided;
        for (int i = 0; i < guided.Length; i++)
            guided[i] = (float)(phi * guided[i] * factor + (1 - phi) * guided[i]);
    }

    private static double Std(ReadOnlySpan<float> x)
    {
        double mean = 0;
        foreach (var v in x) mean += v;
        mean /= x.Length;
        double var = 0;
        foreach (var v in x) var += (v - mean) * (v - mean);
        return Math.Sqrt(var / Math.Max(1, x.Length - 1));
    }

    private static Tensor TimeIds(bool refiner, int width, int height, int batch)
    {
        // [original h, original w, crop top, crop left, target h, target w]; the refiner replaces the target
        // size with an aesthetic score (6.0 conditional, 2.5 unconditional, diffusers' defaults).
        float[] Row(bool conditional) => refiner
            ? [height, width, 0, 0, conditional ? 6f : 2.5f]
            : [height, width, 0, 0, height, width];
        var rows = batch == 2 ? Row(false).Concat(Row(true)).ToArray() : Row(true);
        return new Tensor(rows, batch, refiner ? 5 : 6);
    }

    /// <summary>LCM's guidance embedding: sinusoidal features of w·1000, as in the LCM paper's reference code.</summary>
    internal static Tensor GuidanceEmbedding(double w, int dim, int batch)
    {
        int half = dim / 2;
        double logScale = Math.Log(10000.0) / (half - 1);
        var row = new float[dim];
        for (int i = 0; i < half; i++)
        {
            double angle = w * 1000.0 * Math.Exp(-logScale * i);
            row[i] = (float)Math.Sin(angle);
            row[half + i] = (float)Math.Cos(angle);
        }
        var data = new float[dim * batch];
        for (int b = 0; b < batch; b++) row.CopyTo(data, b * dim);
        return new Tensor(data, batch, dim);
    }
}
