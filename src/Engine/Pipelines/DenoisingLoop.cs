using Easel.Engine.Onnx;
using Easel.Engine.Schedulers;
using Easel.Engine.Tensors;

namespace Easel.Engine.Pipelines;

/// <summary>Keeps the unmasked area on the original image's trajectory (inpainting with any 4-channel UNet):
/// after each step, latents outside the mask are replaced by the original latents noised to the next level.</summary>
internal sealed class LatentBlend(Tensor originalLatents, float[] repaintMask, float[] noise)
{
    public void Apply(IScheduler scheduler, Tensor latents, int nextStepIndex)
    {
        var renoised = new float[latents.Length];
        scheduler.AddNoise(originalLatents.Data, noise, nextStepIndex, renoised);
        int plane = repaintMask.Length;
        for (int i = 0; i < latents.Length; i++)
        {
            float m = repaintMask[i % plane];
            latents.Data[i] = m * latents.Data[i] + (1 - m) * renoised[i];
        }
    }
}

/// <summary>
/// The one denoising loop behind text-to-image, img2img, inpainting, outpainting and variations. Operations differ
/// only in the latents they start from, the step they start at, the extra UNet channels (9-channel inpaint) and
/// an optional latent blend.
/// </summary>
internal static class DenoisingLoop
{
    public static Tensor Run(
        UnetRunner unet,
        IScheduler scheduler,
        Tensor latents,
        int startIndex,
        GaussianNoise noise,
        Tensor? extraChannels = null,
        LatentBlend? blend = null,
        Action<int, int>? onStep = null,
        RunTimings? timings = null,
        CancellationToken cancellationToken = default)
    {
        var timesteps = scheduler.Timesteps;
        int total = timesteps.Count - startIndex;
        var scaled = new float[latents.Length];
        for (int i = startIndex; i < timesteps.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            latents.Data.CopyTo(scaled, 0);
            scheduler.ScaleModelInput(scaled, i);
            var prediction = unet.Predict(new Tensor(scaled, latents.Shape), extraChannels, timesteps[i], timings, cancellationToken);
            scheduler.Step(prediction, i, latents.Data, noise);
            blend?.Apply(scheduler, latents, i + 1);
            onStep?.Invoke(i - startIndex + 1, total);
        }
        return latents;
    }
}
