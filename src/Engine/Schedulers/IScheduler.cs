using Easel.Engine.Tensors;

namespace Easel.Engine.Schedulers;

/// <summary>
/// A diffusion sampler over flat float latents of ONE image (C×H×W). Typical loop:
/// SetTimesteps(n); x *= InitNoiseSigma; for i in 0..Timesteps.Count-1: input = copy of x;
/// ScaleModelInput(input, i); modelOutput = UNet(input, Timesteps[i]) (+CFG); Step(modelOutput, i, x, noise).
/// </summary>
public interface IScheduler
{
    /// <summary>Canonical short name, e.g. "ddim" (see <see cref="SchedulerFactory.Names"/>).</summary>
    string Name { get; }

    SchedulerConfig Config { get; }

    /// <summary>(Re)computes <see cref="Timesteps"/> and resets any multistep state.</summary>
    void SetTimesteps(int inferenceSteps);

    /// <summary>
    /// Sets the schedule for an image-to-image run at <paramref name="strength"/> (0–1) and returns the index of the
    /// first step to take; Timesteps.Count means none (the input is returned unchanged).
    /// </summary>
    int SetImageTimesteps(int inferenceSteps, double strength);

    /// <summary>The most inference steps this scheduler accepts (LCM: original_inference_steps).</summary>
    int MaxInferenceSteps { get; }

    /// <summary>Model-facing timesteps in execution order (descending; may be fractional for Karras sigmas).</summary>
    IReadOnlyList<double> Timesteps { get; }

    /// <summary>Multiply fresh standard-normal noise by this to get x_T for txt2img.</summary>
    float InitNoiseSigma { get; }

    /// <summary>In place: turns x at Timesteps[stepIndex] into the UNet input (Euler family divides by sqrt(σ²+1)).</summary>
    void ScaleModelInput(Span<float> sample, int stepIndex);

    /// <summary>
    /// In place: <paramref name="sample"/> (x at Timesteps[stepIndex]) becomes x at the next step. modelOutput is the
    /// UNet output after CFG (epsilon or v per Config.PredictionType). noise is drawn only by stochastic schedulers.
    /// The first call may be at any stepIndex (img2img); multistep state counts the steps actually taken.
    /// </summary>
    void Step(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, GaussianNoise noise);

    /// <summary>
    /// destination = original noised to the level of Timesteps[stepIndex], with this scheduler's add_noise
    /// semantics; stepIndex == Timesteps.Count means fully denoised (destination = original).
    /// </summary>
    void AddNoise(ReadOnlySpan<float> original, ReadOnlySpan<float> noise, int stepIndex, Span<float> destination);
}
