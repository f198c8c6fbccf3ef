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
        int previews = 0,
        Action<int, int, Tensor>? onEstimate = null,
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
            int done = i - startIndex + 1;
            // x0 must be read from the sample before Step moves it to the next noise level.
            var estimate = onEstimate is not null && IsPreviewStep(done, total, previews) && scheduler is SchedulerBase levels
                ? OriginalSampleEstimate(levels, latents, prediction, i)
                : null;
            scheduler.Step(prediction, i, latents.Data, noise);
            blend?.Apply(scheduler, latents, i + 1);
            onStep?.Invoke(done, total);
            if (estimate is not null) onEstimate!(done, total, estimate);
        }
        return latents;
    }

    /// <summary>Whether step <paramref name="done"/> (1-based) of <paramref name="total"/> is one of <paramref name="previews"/>
    /// evenly spaced preview points; the last step never is (the final image follows).</summary>
    internal static bool IsPreviewStep(int done, int total, int previews)
    {
        if (previews <= 0 || done >= total) return false;
        for (int j = 1; j <= previews; j++)
        {
            int at = (int)Math.Ceiling((double)total * j / (previews + 1));
            if (at == done) return true;
            if (at > done) return false;
        }
        return false;
    }

    /// <summary>The denoised sample the model output implies at step <paramref name="stepIndex"/>, in latent space.
    /// The scheduler's level x = S·x0 + N·ε is normalised to the variance-preserving form the prediction types use.</summary>
    private static Tensor OriginalSampleEstimate(SchedulerBase scheduler, Tensor latents, float[] prediction, int stepIndex)
    {
        var (signal, noise) = scheduler.NoiseLevel(stepIndex);
        double norm = Math.Sqrt(signal * signal + noise * noise);
        double alpha = signal / norm, sigma = noise / norm;
        var x0 = new float[latents.Length];
        for (int k = 0; k < x0.Length; k++)
            x0[k] = (float)PredictionMath.OriginalSample(scheduler.Prediction, latents.Data[k] / norm, prediction[k], alpha, sigma);
        return new Tensor(x0, latents.Shape);
    }
}
