using Easel.Engine.Schedulers;

namespace Easel.Engine.Tests.Schedulers;

public class NoiseScheduleTests
{
    [Fact]
    public void ScaledLinear_FullScheduleSigmas_MatchStableDiffusion()
    {
        // Euler over all 1000 training timesteps visits every training σ.
        var euler = new EulerScheduler(new SchedulerConfig { TimestepSpacing = "linspace" });
        euler.SetTimesteps(1000);

        Assert.Equal(ReferenceValues.SigmaMax, euler.Sigmas[0], 4);
        Assert.Equal(ReferenceValues.EulerLeading4Sigmas[0], euler.Sigmas[999 - 751], 4); // σ at t = 751, mid-schedule
        Assert.Equal(ReferenceValues.SigmaMin, euler.Sigmas[^2], 5);
        Assert.Equal(0.0292, euler.Sigmas[^2], 4);
        Assert.Equal(0, euler.Sigmas[^1]);
    }

    [Fact]
    public void ScaledLinear_AlphasCumprod_MatchReference()
    {
        var alphasCumprod = NoiseSchedule.AlphasCumprod(new SchedulerConfig(), sigmaParameterised: false);
        Assert.Equal(ReferenceValues.AlphaCumprod0, alphasCumprod[0], 6);
        Assert.Equal(ReferenceValues.AlphaCumprod751, alphasCumprod[751], 6);
    }

    [Fact]
    public void Linear_BetasRunFromStartToEnd()
    {
        var betas = NoiseSchedule.Betas(new SchedulerConfig { BetaSchedule = "linear", BetaStart = 0.0001, BetaEnd = 0.02 });
        Assert.Equal(0.0001, betas[0], 12);
        Assert.Equal(0.02, betas[^1], 12);
        Assert.Equal((0.0001 + 0.02) / 2, (betas[499] + betas[500]) / 2, 12);
    }

    [Fact]
    public void SquaredCosine_MatchesReference()
    {
        var config = new SchedulerConfig { BetaSchedule = "squaredcos_cap_v2" };
        var betas = NoiseSchedule.Betas(config);
        var alphasCumprod = NoiseSchedule.AlphasCumprod(config, sigmaParameterised: false);

        Assert.Equal(4.128422482196914e-05, betas[0], 12);
        Assert.Equal(0.999, betas[^1]);   // capped
        Assert.Equal(0.49228517244880304, alphasCumprod[500], 9);
    }

    [Fact]
    public void ZeroTerminalSnr_EndsAtZeroSignal_KeepsTheFirst()
    {
        var plain = NoiseSchedule.AlphasCumprod(new SchedulerConfig(), sigmaParameterised: false);
        var config = new SchedulerConfig { RescaleBetasZeroSnr = true };
        var rescaled = NoiseSchedule.AlphasCumprod(config, sigmaParameterised: false);

        Assert.Equal(plain[0], rescaled[0], 12);
        Assert.Equal(0, rescaled[^1], 12);
        Assert.True(rescaled[500] < plain[500]);
        // σ-parameterised schedulers cannot use ᾱ = 0; diffusers substitutes 2^-24 (σ = 4096).
        Assert.Equal(Math.Pow(2, -24), NoiseSchedule.AlphasCumprod(config, sigmaParameterised: true)[^1]);
    }

    [Fact]
    public void UnknownBetaSchedule_IsRejectedWithTheValidOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => new DdimScheduler(new SchedulerConfig { BetaSchedule = "quadratic" }));
        Assert.Contains("squaredcos_cap_v2", error.Message);
    }
}
