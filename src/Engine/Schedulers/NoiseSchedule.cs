namespace Easel.Engine.Schedulers;

/// <summary>The training noise schedule: betas and ᾱ_t (alphas_cumprod) for t = 0..NumTrainTimesteps-1, in double.</summary>
internal static class NoiseSchedule
{
    /// <summary>
    /// ᾱ_t. Sigma-parameterised schedulers cannot represent ᾱ = 0 (σ would be infinite), so with zero-terminal-SNR
    /// rescaling they use diffusers' stand-in of 2^-24 for the last entry.
    /// </summary>
    public static double[] AlphasCumprod(SchedulerConfig config, bool sigmaParameterised)
    {
        double[] betas = Betas(config);
        if (config.RescaleBetasZeroSnr)
            betas = RescaleToZeroTerminalSnr(betas);

        var alphasCumprod = CumulativeProduct(betas);
        if (config.RescaleBetasZeroSnr && sigmaParameterised)
            alphasCumprod[^1] = Math.Pow(2, -24);
        return alphasCumprod;
    }

    /// <summary>σ_t = sqrt((1 - ᾱ_t) / ᾱ_t): the noise level in the x0 + σε parameterisation.</summary>
    public static double[] Sigmas(double[] alphasCumprod) =>
        Array.ConvertAll(alphasCumprod, a => Math.Sqrt((1 - a) / a));

    public static double[] Betas(SchedulerConfig config)
    {
        int n = config.NumTrainTimesteps;
        if (n < 2)
            throw new ArgumentException($"num_train_timesteps must be at least 2 (got {n}).");
        return config.BetaSchedule switch
        {
            "linear" => NumPy.Linspace(config.BetaStart, config.BetaEnd, n),
            "scaled_linear" => Array.ConvertAll(
                NumPy.Linspace(Math.Sqrt(config.BetaStart), Math.Sqrt(config.BetaEnd), n), b => b * b),
            "squaredcos_cap_v2" => CosineBetas(n),
            _ => throw new ArgumentException(
                $"Unknown beta_schedule '{config.BetaSchedule}'. Valid: linear, scaled_linear, squaredcos_cap_v2."),
        };
    }

    /// <summary>Nichol & Dhariwal's cosine ᾱ(t), discretised into betas capped at 0.999.</summary>
    private static double[] CosineBetas(int n)
    {
        static double AlphaBar(double t) => Math.Pow(Math.Cos((t + 0.008) / 1.008 * Math.PI / 2), 2);
        var betas = new double[n];
        for (int i = 0; i < n; i++)
            betas[i] = Math.Min(1 - AlphaBar((i + 1.0) / n) / AlphaBar((double)i / n), 0.999);
        return betas;
    }

    /// <summary>Lin et al. 2023, Algorithm 1: shift sqrt(ᾱ) so the last is 0, scale so the first is unchanged.</summary>
    private static double[] RescaleToZeroTerminalSnr(double[] betas)
    {
        double[] sqrtAlphaBar = Array.ConvertAll(CumulativeProduct(betas), Math.Sqrt);
        double first = sqrtAlphaBar[0], last = sqrtAlphaBar[^1];
        var alphaBar = Array.ConvertAll(sqrtAlphaBar, s =>
        {
            double shifted = (s - last) * first / (first - last);
            return shifted * shifted;
        });

        var rescaled = new double[betas.Length];
        rescaled[0] = 1 - alphaBar[0];
        for (int i = 1; i < betas.Length; i++)
            rescaled[i] = 1 - alphaBar[i] / alphaBar[i - 1];
        return rescaled;
    }

    private static double[] CumulativeProduct(double[] betas)
    {
        var result = new double[betas.Length];
        double product = 1;
        for (int i = 0; i < betas.Length; i++)
            result[i] = product *= 1 - betas[i];
        return result;
    }
}
