using System.Runtime.CompilerServices;
using Easel.Engine.Models;
using Easel.Engine.Onnx;
using Easel.Engine.Tensors;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Engine.Pipelines;

/// <summary>Pixels ↔ latents through a folder's VAE, with the scaling factor applied on the latent side.</summary>
internal sealed class VaeCodec(ModelFolder model)
{
    private readonly float _scaling = model.Capabilities.VaeScalingFactor;

    public Image<Rgb24> Decode(Tensor latents, RunTimings? timings, CancellationToken ct)
    {
        RequireFinite(latents.Data, $"the denoised latents of model '{model.Name}' (unet/model.onnx with scheduler/scheduler_config.json)");
        var decoder = model.VaeDecoder;
        var scaled = new float[latents.Length];
        for (int i = 0; i < scaled.Length; i++) scaled[i] = latents.Data[i] / _scaling;
        var inputName = decoder.Inputs.ContainsKey("latent_sample") ? "latent_sample" : decoder.Inputs.Keys.First();
        var outputName = decoder.OutputNamed("sample", decoder.Outputs.Keys.First());
        var pixels = decoder.Run(new Dictionary<string, InputValue> { [inputName] = new Tensor(scaled, latents.Shape) }, [outputName], timings, ct)[outputName];
        RequireFinite(pixels.Data, $"vae_decoder/model.onnx of model '{model.Name}'");
        return ToImage(pixels);
    }

    /// <summary>NaN or infinity would be saved as a flat image that looks like a success: fail naming the component.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RequireFinite(float[] values, string component)
    {
        foreach (var v in values)
            if (!float.IsFinite(v))
                throw new EaselException($"{component} produced non-finite values (NaN or infinity); the model's weights or config are broken, so no image was saved.");
    }

    /// <summary>Encodes an image to scaled latents [1,C,h,w]: the mean of the latent distribution (deterministic).</summary>
    public Tensor Encode(Image<Rgb24> image, RunTimings? timings, CancellationToken ct) => Encode(ToTensor(image), timings, ct);

    /// <summary>Encodes pixels [1,3,H,W] in [-1,1]. Computed pixels (the 9-channel inpaint's masked image, where the
    /// repaint area is exactly 0 as in diffusers) go in as they are: a round trip through bytes would turn 0 into
    /// 128/127.5 − 1 ≈ 0.004 and move the masked-image latents by ~3e-4.</summary>
    public Tensor Encode(Tensor pixels, RunTimings? timings, CancellationToken ct)
    {
        var encoder = model.VaeEncoder
            ?? throw new EaselException($"Model '{model.Name}' has no vae_encoder/, which image editing needs.");
        var inputName = encoder.Inputs.ContainsKey("sample") ? "sample" : encoder.Inputs.Keys.First();
        var outputName = encoder.OutputNamed("latent_sample", "latent_parameters", "latent_dist", encoder.Outputs.Keys.First());
        var raw = encoder.Run(new Dictionary<string, InputValue> { [inputName] = pixels }, [outputName], timings, ct)[outputName];
        int channels = model.Capabilities.LatentChannels;
        // latent_parameters (optimum ≥ 1.24) stacks mean and log-variance: keep the mean.
        var mean = raw.Shape[1] == 2 * channels ? TakeChannels(raw, channels) : raw;
        for (int i = 0; i < mean.Length; i++) mean.Data[i] *= _scaling;
        return mean;
    }

    /// <summary>Encodes when the folder has a VAE encoder; null otherwise.</summary>
    public Tensor? TryEncode(Tensor pixels, RunTimings? timings, CancellationToken ct) =>
        model.HasComponent("vae_encoder") ? Encode(pixels, timings, ct) : null;

    private static Tensor TakeChannels(Tensor t, int channels)
    {
        int b = t.Shape[0], plane = t.Shape[2] * t.Shape[3];
        var data = new float[b * channels * plane];
        for (int i = 0; i < b; i++)
            Array.Copy(t.Data, i * t.ItemLength, data, i * channels * plane, channels * plane);
        return new Tensor(data, b, channels, t.Shape[2], t.Shape[3]);
    }

    /// <summary>[1,3,H,W] in [-1,1] → RGB image.</summary>
    public static Image<Rgb24> ToImage(Tensor pixels)
    {
        int h = pixels.Shape[2], w = pixels.Shape[3], plane = h * w;
        var image = new Image<Rgb24>(w, h);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < h; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < w; x++)
                {
                    int i = y * w + x;
                    row[x] = new Rgb24(ToByte(pixels.Data[i]), ToByte(pixels.Data[plane + i]), ToByte(pixels.Data[2 * plane + i]));
                }
            }
        });
        return image;
    }

    /// <summary>RGB image → [1,3,H,W] in [-1,1].</summary>
    public static Tensor ToTensor(Image<Rgb24> image)
    {
        int h = image.Height, w = image.Width, plane = h * w;
        var data = new float[3 * plane];
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < h; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < w; x++)
                {
                    int i = y * w + x;
                    data[i] = row[x].R / 127.5f - 1f;
                    data[plane + i] = row[x].G / 127.5f - 1f;
                    data[2 * plane + i] = row[x].B / 127.5f - 1f;
                }
            }
        });
        return new Tensor(data, 1, 3, h, w);
    }

    private static byte ToByte(float v) => (byte)Math.Clamp(MathF.Round((v + 1f) * 127.5f), 0f, 255f);
}
