using Easel.Engine.Onnx;
using Easel.Engine.Schedulers;
using Easel.Engine.Tensors;

namespace Easel.Engine.Pipelines;

/// <summary>Keeps the unmasked area on the original image's trajectory (inpainting with any 4-channel UNet):
/// after each step, latents outside the mask are replaced by the original latents noised to the next level.</summary>
internal sealed class LatentBlend(Tensor originalLatents, float[] repaintMask, float[] noise)
{
    private float[]? _renoised; // reused by every step

    public void Apply(IScheduler scheduler, Tensor latents, int nextStepIndex)
    {
        var renoised = _renoised ??= new float[latents.Length];
        scheduler.AddNoise(originalLatents.Data, noise, nextStepIndex, renoised);
        int plane = repaintMask.Length;
        for (int i = 0; i < latents.Length; i++)
        {
            float m = repaintMask[i % plane];
            latents.Data[i] = m * latents.Data[i] + (1 - m) * renoised[i];
        }
    }
}

/// <summary>One image of a batch the denoising loop runs together: its latents (updated in place) and its own state.</summary>
internal sealed record DenoisingLane(IScheduler Scheduler, Tensor Latents, GaussianNoise Noise, LatentBlend? Blend = null);

/// <summary>
/// The one denoising loop behind text-to-image, img2img, inpainting, outpainting and variations. Operations differ
/// only in the latents they start from, the step they start at, the extra UNet channels (9-channel inpaint) and
/// an optional latent blend.
/// </summary>
internal static class DenoisingLoop
{
    /// <summary>
    /// Denoises every lane's latents in place, in lockstep: one UNet call per step serves all lanes (they share the
    /// timesteps and <paramref name="startIndex"/>), while each keeps its own scheduler state and noise stream, so a
    /// lane's result does not depend on which lanes run beside it.
    /// </summary>
    public static void Run(
        UnetRunner unet,
        IReadOnlyList<DenoisingLane> lanes,
        int startIndex,
        Tensor? extraChannels = null,
        Action<int, int>? onStep = null,
        RunTimings? timings = null,
        int previews = 0,
        Action<int, int, int, Tensor>? onEstimate = null,
        CancellationToken cancellationToken = default)
    {
        var timesteps = lanes[0].Scheduler.Timesteps;
        int total = timesteps.Count - startIndex;
        var shape = lanes[0].Latents.Shape;
        var scaled = lanes.Select(l => new float[l.Latents.Length]).ToArray();
        var predictions = lanes.Select(l => new float[l.Latents.Length]).ToArray();
        for (int i = startIndex; i < timesteps.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (int k = 0; k < lanes.Count; k++)
            {
                lanes[k].Latents.Data.CopyTo(scaled[k], 0);
                lanes[k].Scheduler.ScaleModelInput(scaled[k], i);
            }
            unet.Predict(scaled, shape, extraChannels, timesteps[i], predictions, timings, cancellationToken);
            int done = i - startIndex + 1;
            bool preview = onEstimate is not null && IsPreviewStep(done, total, previews);
            var estimates = preview ? new Tensor?[lanes.Count] : null;
            for (int k = 0; k < lanes.Count; k++)
            {
                var (scheduler, latents, noise, blend) = lanes[k];
                // x0 must be read from the sample before Step moves it to the next noise level.
                if (estimates is not null && scheduler is SchedulerBase levels)
                    estimates[k] = OriginalSampleEstimate(levels, latents, predictions[k], i);
                scheduler.Step(predictions[k], i, latents.Data, noise);
                blend?.Apply(scheduler, latents, i + 1);
            }
            onStep?.Invoke(done, total);
            for (int k = 0; estimates is not null && k < lanes.Count; k++)
                if (estimates[k] is { } estimate) onEstimate!(k, done, total, estimate);
        }
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
