using System.Runtime.CompilerServices;
using Easel.Engine.Models;
using Easel.Engine.Onnx;
using Easel.Engine.Tensors;
using Easel.Engine.Text;

namespace Easel.Engine.Pipelines;

/// <summary>
/// Feeds denoising steps to a UNet export, whatever its signature: timestep as rank 0, [1] or [batch] in its
/// declared dtype; SDXL's text_embeds/time_ids; LCM's timestep_cond; 9-channel inpaint inputs. It runs
/// <see cref="Images"/> images per call; with classifier-free guidance the call is one batch of 2×images laid out
/// as diffusers does (unconditional items first, then conditional) and it returns the guided predictions.
/// Inputs and outputs are bound once (<see cref="OnnxBinding"/>) at the first step and reused by every later step.
/// </summary>
internal sealed class UnetRunner : IDisposable
{
    private readonly OnnxModel _unet;
    private readonly string _outputName;
    private readonly Dictionary<string, Tensor> _constantInputs = new();
    private readonly bool _cfg;
    private readonly double _guidance;
    private readonly double _guidanceRescale;
    private readonly TensorSpec _timestep;
    private readonly int _latentMultiple;
    private OnnxBinding? _binding;
    private int[]? _boundShape; // [images, C, h, w] of the latents the binding was made for

    public UnetRunner(ModelFolder model, EncodedPrompt prompt, int width, int height, double guidance, double guidanceRescale, int images = 1)
    {
        _unet = model.Unet;
        var caps = model.Capabilities;
        _outputName = _unet.OutputNamed("out_sample", "latent", "noise_pred", _unet.Outputs.Keys.First());
        _timestep = _unet.Input("timestep");
        _latentMultiple = caps.UnetLatentMultiple;
        _cfg = prompt.Unconditional is not null;
        _guidance = guidance;
        _guidanceRescale = guidanceRescale;
        Images = Math.Max(1, images);
        var rows = Enumerable.Repeat(prompt.Conditional, Images).ToList();
        if (_cfg) rows.InsertRange(0, Enumerable.Repeat(prompt.Unconditional!, Images));
        _constantInputs["encoder_hidden_states"] = Tensor.ConcatBatch(rows);
        if (_unet.HasInput("text_embeds"))
        {
            var pooled = prompt.PooledConditional ?? throw new EaselException($"Model '{model.Name}' needs pooled text embeddings (text_encoder_2).");
            var pooledRows = Enumerable.Repeat(pooled, Images).ToList();
            if (_cfg) pooledRows.InsertRange(0, Enumerable.Repeat(prompt.PooledUnconditional!, Images));
            _constantInputs["text_embeds"] = Tensor.ConcatBatch(pooledRows);
        }
        if (_unet.HasInput("time_ids"))
            _constantInputs["time_ids"] = TimeIds(caps.IsRefiner, width, height, _cfg, Images);
        if (caps.IsLcm)
            _constantInputs["timestep_cond"] = GuidanceEmbedding(guidance - 1.0, caps.TimestepCondDim, Batch);
    }

    public bool UsesGuidance => _cfg;

    /// <summary>Images denoised per UNet call.</summary>
    public int Images { get; }

    private int Batch => _cfg ? 2 * Images : Images;

    /// <summary>Test seam: sees each UNet call's inputs on the worker thread just before it runs (it may block).</summary>
    public Action<IReadOnlyDictionary<string, InputValue>, CancellationToken>? BeforeCall { get; init; }

    /// <summary>
    /// Predicts noise (or v) for each image's scaled latents [C,h,w] (<paramref name="scaledLatents"/>, one per image,
    /// at most <see cref="Images"/>) into <paramref name="predictions"/>; <paramref name="extraChannels"/> (inpaint mask
    /// + masked-image latents, [1,E,h,w]) are appended on the channel axis of every image.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Predict(IReadOnlyList<float[]> scaledLatents, int[] latentShape, Tensor? extraChannels, double timestep,
        IReadOnlyList<float[]> predictions, RunTimings? timings, CancellationToken ct)
    {
        int c = latentShape[1], h = latentShape[2], w = latentShape[3];
        int extra = extraChannels?.Shape[1] ?? 0;
        int paddedH = RoundUp(h, _latentMultiple), paddedW = RoundUp(w, _latentMultiple);
        var binding = Binding(c, extra, h, w, paddedH, paddedW);

        // sample: [uncond images…, cond images…], each image's latents then its extra channels, edge-padded.
        var sample = binding.Floats("sample");
        int item = (c + extra) * paddedH * paddedW, latentPart = c * paddedH * paddedW;
        int copies = _cfg ? 2 : 1;
        for (int k = 0; k < Images; k++)
        {
            // Images past the last one of a smaller final group repeat it (their output is ignored).
            var source = scaledLatents[Math.Min(k, scaledLatents.Count - 1)];
            for (int copy = 0; copy < copies; copy++)
            {
                var target = sample.Slice((copy * Images + k) * item, item);
                WritePadded(source, c, h, w, target[..latentPart], paddedH, paddedW);
                if (extraChannels is not null)
                    WritePadded(extraChannels.Data, extra, h, w, target[latentPart..], paddedH, paddedW);
            }
        }
        if (binding.IsFloatingPoint("timestep")) binding.Floats("timestep").Fill((float)timestep);
        else binding.Integers("timestep").Fill((long)Math.Round(timestep));

        if (BeforeCall is { } seam) seam(CurrentInputs(binding), ct);
        binding.Run(timings, ct);

        var output = binding.Output(_outputName);
        int outItem = c * paddedH * paddedW;
        for (int k = 0; k < scaledLatents.Count; k++)
        {
            var guided = predictions[k];
            if (!_cfg)
            {
                Crop(output.Slice(k * outItem, outItem), c, paddedH, paddedW, h, w, guided);
                continue;
            }
            var uncond = output.Slice(k * outItem, outItem);
            var cond = output.Slice((Images + k) * outItem, outItem);
            Crop(cond, c, paddedH, paddedW, h, w, guided);
            // guided = uncond + g·(cond − uncond), computed over the cropped planes
            int plane = h * w;
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < h; y++)
                {
                    int src = (ch * paddedH + y) * paddedW, dst = ch * plane + y * w;
                    for (int x = 0; x < w; x++)
                    {
                        float u = uncond[src + x];
                        guided[dst + x] = u + (float)_guidance * (guided[dst + x] - u);
                    }
                }
            if (_guidanceRescale > 0)
            {
                var condCropped = new float[guided.Length]; // only with guidance rescale: an allocation per step
                Crop(cond, c, paddedH, paddedW, h, w, condCropped);
                RescaleGuidance(guided, condCropped, _guidanceRescale);
            }
        }
    }

    private OnnxBinding Binding(int c, int extra, int h, int w, int paddedH, int paddedW)
    {
        int[] shape = [Images, c + extra, paddedH, paddedW];
        if (_binding is not null && _boundShape!.AsSpan().SequenceEqual(shape)) return _binding;
        _binding?.Dispose();
        var inputs = new Dictionary<string, int[]>(StringComparer.Ordinal)
        {
            ["sample"] = [Batch, c + extra, paddedH, paddedW],
            ["timestep"] = _timestep.Rank == 0 ? [] : [_timestep.FixedDimension(0) == 1 ? 1 : Batch],
        };
        foreach (var (name, tensor) in _constantInputs)
            if (_unet.HasInput(name)) inputs[name] = tensor.Shape;
        var outSpec = _unet.Outputs[_outputName];
        int outChannels = outSpec.FixedDimension(1) ?? c;
        if (outChannels != c)
            throw new EaselException($"Model '{_unet.Path}' outputs {outChannels} channels for {c}-channel latents ({outSpec.Describe()}).");
        _binding = _unet.Bind(inputs, new Dictionary<string, int[]> { [_outputName] = [Batch, c, paddedH, paddedW] });
        _boundShape = shape;
        foreach (var (name, tensor) in _constantInputs)
            if (_unet.HasInput(name)) tensor.Data.CopyTo(_binding.Floats(name));
        return _binding;
    }

    private Dictionary<string, InputValue> CurrentInputs(OnnxBinding binding)
    {
        var inputs = new Dictionary<string, InputValue>(StringComparer.Ordinal);
        foreach (var name in _unet.Inputs.Keys)
            inputs[name] = binding.IsFloatingPoint(name)
                ? InputValue.FromFloats(binding.Floats(name).ToArray(), binding.InputShape(name))
                : InputValue.FromIntegers(binding.Integers(name).ToArray(), binding.InputShape(name));
        return inputs;
    }

    /// <summary>[C,h,w] into [C,H,W], repeating the last row and column (what <see cref="Tensor.PadSpatial"/> does).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WritePadded(ReadOnlySpan<float> source, int c, int h, int w, Span<float> target, int height, int width)
    {
        for (int ch = 0; ch < c; ch++)
            for (int y = 0; y < height; y++)
            {
                var row = source.Slice((ch * h + Math.Min(y, h - 1)) * w, w);
                var dst = target.Slice((ch * height + y) * width, width);
                row.CopyTo(dst);
                if (width > w) dst[w..].Fill(row[w - 1]);
            }
    }

    /// <summary>The top-left [C,h,w] of [C,H,W].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Crop(ReadOnlySpan<float> source, int c, int height, int width, int h, int w, Span<float> target)
    {
        for (int ch = 0; ch < c; ch++)
            for (int y = 0; y < h; y++)
                source.Slice((ch * height + y) * width, w).CopyTo(target.Slice((ch * h + y) * w, w));
    }

    public void Dispose()
    {
        _binding?.Dispose();
        _binding = null;
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

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

    private static Tensor TimeIds(bool refiner, int width, int height, bool cfg, int images)
    {
        // [original h, original w, crop top, crop left, target h, target w]; the refiner replaces the target
        // size with an aesthetic score (6.0 conditional, 2.5 unconditional, diffusers' defaults).
        float[] Row(bool conditional) => refiner
            ? [height, width, 0, 0, conditional ? 6f : 2.5f]
            : [height, width, 0, 0, height, width];
        var rows = Enumerable.Repeat(Row(true), images);
        if (cfg) rows = Enumerable.Repeat(Row(false), images).Concat(rows);
        var data = rows.SelectMany(r => r).ToArray();
        return new Tensor(data, data.Length / (refiner ? 5 : 6), refiner ? 5 : 6);
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
