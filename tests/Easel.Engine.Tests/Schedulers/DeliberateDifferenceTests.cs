using Easel.Engine.Schedulers;

namespace Easel.Engine.Tests.Schedulers;

/// <summary>Where Easel deliberately differs from diffusers, each choice named and pinned.</summary>
public class DeliberateDifferenceTests
{
    public static TheoryData<string> Names() => [.. SchedulerFactory.Names];

    [Theory]
    [MemberData(nameof(Names))]
    public void StrengthWhoseStepCountRoundsToZero_RunsNoStep_AndReturnsTheInput(string name)
    {
        // ⌊1·0.5⌋ = 0 (LCM: ⌊50·0⌋ = 0): diffusers has no image to give (PNDM even runs one entry); Easel runs nothing.
        var scheduler = SchedulerFactory.Create(name, new SchedulerConfig());
        double strength = name == SchedulerFactory.Lcm ? 0 : 0.5;
        int start = scheduler.SetImageTimesteps(1, strength);
        Assert.Equal(scheduler.Timesteps.Count, start);

        var image = ParityModel.ImageLatents(16);
        var noise = new float[16];
        Array.Fill(noise, 3f);
        var x = new float[16];
        scheduler.AddNoise(image, noise, start, x);
        Assert.Equal(image, x);
    }

    [Fact]
    public void StrengthZero_RunsNoStep_ForAnyStepCount()
    {
        var scheduler = SchedulerFactory.Create("ddim", new SchedulerConfig());
        Assert.Equal(25, scheduler.SetImageTimesteps(25, 0));
    }

    [Fact]
    public void LcmImg2Img_MoreStepsThanTheStrengthLeaves_RunsTheStepsThereAre()
    {
        // ⌊50·0.1⌋ = 5 distilled timesteps below the strength point; diffusers refuses 8 steps there.
        var lcm = SchedulerFactory.Create("lcm", new SchedulerConfig { OriginalInferenceSteps = 50 });
        Assert.Equal(0, lcm.SetImageTimesteps(8, 0.1));
        Assert.Equal([99, 79, 59, 39, 19], lcm.Timesteps);
    }

    [Fact]
    public void LcmImg2Img_UsesTheStrengthShortenedSchedule_AsDiffusersLcmPipelineDoes()
    {
        var lcm = SchedulerFactory.Create("lcm", new SchedulerConfig { OriginalInferenceSteps = 50 });
        Assert.Equal(0, lcm.SetImageTimesteps(4, 0.5));
        Assert.Equal([499, 379, 259, 139], lcm.Timesteps);
    }

    [Theory]
    [InlineData("ddim")]
    [InlineData("euler")]
    [InlineData("dpmpp_2m")]
    public void Trailing61Steps_KeepsExactlyN_WhereNumpysArangeOvershootsToMinusOne(string name)
    {
        var scheduler = SchedulerFactory.Create(name, new SchedulerConfig { TimestepSpacing = "trailing" });
        scheduler.SetTimesteps(61);
        Assert.Equal(61, scheduler.Timesteps.Count);
        Assert.Equal(999, scheduler.Timesteps[0]);
        Assert.True(scheduler.Timesteps[^1] >= 0);
    }

    [Fact]
    public void Pndm_ConfigWithoutSkipPrkSteps_RunsThePlmsPath()
    {
        // diffusers' class default is the Runge–Kutta warm-up; Easel implements PLMS only, and every SD config says so.
        var config = SchedulerConfig.FromJson("""{"beta_schedule": "scaled_linear"}""");
        Assert.True(config.SkipPrkSteps);
        var pndm = SchedulerFactory.Create("pndm", config);
        pndm.SetTimesteps(4);
        Assert.Equal([750, 500, 500, 250, 0], pndm.Timesteps);
    }

    [Fact]
    public void AbsentBetaKeys_KeepStableDiffusionsBetas_NotDdpmsClassDefaults()
    {
        var config = SchedulerConfig.FromJson("{}");
        Assert.Equal(("scaled_linear", 0.00085, 0.012), (config.BetaSchedule, config.BetaStart, config.BetaEnd));
    }

    [Fact]
    public void ImageToImage_AtFullStrength_StartsFromTheFirstTimestep()
    {
        // diffusers' img2img at strength 1 adds noise to the image at timesteps[0] (not pure noise): index 0.
        foreach (string name in SchedulerFactory.Names.Where(n => n != SchedulerFactory.Lcm))
            Assert.Equal(0, SchedulerFactory.Create(name, new SchedulerConfig()).SetImageTimesteps(10, 1.0));
    }

    [Fact]
    public void Pndm_ImageToImage_StartsOneEntryEarlier_OnItsNPlusOneSchedule()
    {
        // t_start = N − init on the N + 1-entry PLMS list: init + 1 model calls, as diffusers.
        var pndm = SchedulerFactory.Create("pndm", new SchedulerConfig());
        Assert.Equal(5, pndm.SetImageTimesteps(10, 0.5));
        Assert.Equal(11, pndm.Timesteps.Count);
    }
}
