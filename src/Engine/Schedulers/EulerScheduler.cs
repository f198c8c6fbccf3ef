using Easel.Engine.Tensors;

namespace Easel.Engine.Schedulers;

/// <summary>
/// Euler's method on the probability-flow ODE dx/dσ = (x − x0)/σ (Karras et al. 2022, Algorithm 2 without churn);
/// diffusers' EulerDiscreteScheduler. Honours use_karras_sigmas.
/// </summary>
public sealed class EulerScheduler(SchedulerConfig config) : EulerFamilyScheduler(config, config.UseKarrasSigmas)
{
    public override string Name => "euler";

    protected override void StepCore(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, GaussianNoise noise)
    {
        double sigma = Sigmas[stepIndex];
        double dt = Sigmas[stepIndex + 1] - sigma;
        for (int i = 0; i < sample.Length; i++)
        {
            double x = sample[i];
            double derivative = (x - OriginalSample(x, modelOutput[i], sigma)) / sigma;
            sample[i] = (float)(x + derivative * dt);
        }
    }
}
