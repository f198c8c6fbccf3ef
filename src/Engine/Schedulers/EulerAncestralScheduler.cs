using Easel.Engine.Tensors;

namespace Easel.Engine.Schedulers;

/// <summary>
/// Euler ancestral (k-diffusion's sample_euler_ancestral, η = 1; diffusers' EulerAncestralDiscreteScheduler):
/// an Euler step down to σ_down, then fresh noise of size σ_up, with σ_down² + σ_up² = σ_next².
/// Like diffusers it ignores use_karras_sigmas.
/// </summary>
public sealed class EulerAncestralScheduler(SchedulerConfig config) : EulerFamilyScheduler(config, useKarras: false)
{
    private float[]? _noise;

    public override string Name => "euler_a";

    protected override void StepCore(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, GaussianNoise noise)
    {
        double sigma = Sigmas[stepIndex], sigmaNext = Sigmas[stepIndex + 1];
        double sigmaUp = Math.Sqrt(sigmaNext * sigmaNext * (sigma * sigma - sigmaNext * sigmaNext) / (sigma * sigma));
        double sigmaDown = Math.Sqrt(Math.Max(sigmaNext * sigmaNext - sigmaUp * sigmaUp, 0));
        double dt = sigmaDown - sigma;
        float[]? z = sigmaUp > 0 ? DrawNoise(noise, ref _noise, sample.Length) : null;

        for (int i = 0; i < sample.Length; i++)
        {
            double x = sample[i];
            double derivative = (x - OriginalSample(x, modelOutput[i], sigma)) / sigma;
            double next = x + derivative * dt;
            if (z is not null)
                next += sigmaUp * z[i];
            sample[i] = (float)next;
        }
    }
}
