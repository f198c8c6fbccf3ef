namespace Easel.Engine.Schedulers;

/// <summary>Helpers for schedulers that work on σ_t = sqrt((1-ᾱ)/ᾱ) rather than on ᾱ directly.</summary>
internal static class SigmaSpace
{
    /// <summary>Karras et al. 2022 (eq. 5), ρ = 7: σ_i^(1/ρ) evenly spaced from σ_max down to σ_min.</summary>
    public static double[] Karras(double sigmaMax, double sigmaMin, int count)
    {
        const double Rho = 7.0;
        double maxInvRho = Math.Pow(sigmaMax, 1 / Rho);
        double minInvRho = Math.Pow(sigmaMin, 1 / Rho);
        var ramp = NumPy.Linspace(0, 1, count);
        return Array.ConvertAll(ramp, r => Math.Pow(maxInvRho + r * (minInvRho - maxInvRho), Rho));
    }

    /// <summary>
    /// The (fractional) training timestep whose σ equals <paramref name="sigma"/>, interpolating linearly in log σ
    /// between neighbouring training timesteps (diffusers' _sigma_to_t). <paramref name="logSigmas"/> ascends with t.
    /// </summary>
    public static double SigmaToTimestep(double sigma, double[] logSigmas)
    {
        double logSigma = Math.Log(Math.Max(sigma, 1e-10));
        int atOrBelow = 0;
        while (atOrBelow < logSigmas.Length && logSigmas[atOrBelow] <= logSigma)
            atOrBelow++;
        int low = Math.Min(Math.Max(atOrBelow - 1, 0), logSigmas.Length - 2);
        double lowLog = logSigmas[low], highLog = logSigmas[low + 1];
        double w = Math.Clamp((lowLog - logSigma) / (lowLog - highLog), 0, 1);
        return (1 - w) * low + w * (low + 1);
    }

    /// <summary>The variance-preserving (α, σ_vp) pair for a σ: α = 1/sqrt(1+σ²), σ_vp = σ·α.</summary>
    public static (double Alpha, double Sigma) ToAlphaSigma(double sigma)
    {
        double alpha = 1 / Math.Sqrt(sigma * sigma + 1);
        return (alpha, sigma * alpha);
    }
}
