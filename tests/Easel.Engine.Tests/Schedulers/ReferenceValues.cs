namespace Easel.Engine.Tests.Schedulers;

/// <summary>
/// Values from diffusers' schedule construction (torch float32 alphas_cumprod, numpy spacing) for the SD betas
/// scaled_linear(0.00085, 0.012, 1000), computed once with a transcription of diffusers' set_timesteps.
/// </summary>
internal static class ReferenceValues
{
    public const double SigmaMax = 14.614645;   // σ at t = 999
    public const double SigmaMin = 0.029167533; // σ at t = 0
    public const double AlphaCumprod751 = 0.05571899;
    public const double AlphaCumprod0 = 0.99914998;
    public static readonly double[] EulerLeading4Sigmas = [4.11669779, 1.62369287, 0.69839859, 0.04131448];
    public static readonly double[] EulerKarras4Sigmas = [4.11669779, 1.2087777, 0.2733872, 0.04131448];
    public static readonly double[] EulerKarras4Timesteps = [751, 411.4154, 69.40315, 1];
    public static readonly double[] DpmKarras4Sigmas = [14.614645, 3.1686107, 0.44692086, 0.02916753];
    public static readonly double[] DpmKarras4Timesteps = [999, 687, 146, 0];
    public static readonly double[] DpmKarras10Timesteps = [999, 916, 815, 687, 523, 327, 146, 41, 7, 0];
}
