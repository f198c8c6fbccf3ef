using Easel.Engine.Schedulers;

namespace Easel.Engine.Tests.Schedulers;

public class TimestepScheduleTests
{
    private static double[] Timesteps(IScheduler scheduler, int steps)
    {
        scheduler.SetTimesteps(steps);
        return [.. scheduler.Timesteps];
    }

    private static SchedulerConfig Spacing(string spacing) => new() { TimestepSpacing = spacing };

    [Theory]
    [InlineData("leading", new double[] { 751, 501, 251, 1 })]
    [InlineData("trailing", new double[] { 999, 749, 499, 249 })]
    [InlineData("linspace", new double[] { 999, 666, 333, 0 })]
    public void Ddim_FourSteps_FollowsSpacing(string spacing, double[] expected)
    {
        Assert.Equal(expected, Timesteps(new DdimScheduler(Spacing(spacing)), 4));
        Assert.Equal(expected, Timesteps(new EulerScheduler(Spacing(spacing)), 4));
    }

    [Fact]
    public void Leading_UsesStepsOffset()
    {
        Assert.Equal([750, 500, 250, 0], Timesteps(new DdimScheduler(new SchedulerConfig { StepsOffset = 0 }), 4));
    }

    [Fact]
    public void Linspace_EulerKeepsFractions_DdimRoundsHalfToEven()
    {
        // linspace(0, 999, 7) = 0, 166.5, 333, 499.5, 666, 832.5, 999.
        Assert.Equal([999, 832.5, 666, 499.5, 333, 166.5, 0], Timesteps(new EulerScheduler(Spacing("linspace")), 7));
        Assert.Equal([999, 832, 666, 500, 333, 166, 0], Timesteps(new DdimScheduler(Spacing("linspace")), 7));
    }

    [Fact]
    public void Trailing_SevenSteps_MatchesNumpyRounding()
    {
        Assert.Equal([999, 856, 713, 570, 428, 285, 142], Timesteps(new DdimScheduler(Spacing("trailing")), 7));
    }

    [Theory]
    [InlineData(61)]
    [InlineData(103)]
    public void Trailing_AlwaysHasExactlyNSteps_AllInRange(int steps)
    {
        // numpy's float arange gives n+1 values for these n; Easel keeps n.
        var timesteps = Timesteps(new DdimScheduler(Spacing("trailing")), steps);
        Assert.Equal(steps, timesteps.Length);
        Assert.Equal(999, timesteps[0]);
        Assert.All(timesteps, t => Assert.InRange(t, 0, 999));
    }

    [Fact]
    public void Lcm_FourSteps_SkipsThroughTheOriginalFiftyStepSchedule()
    {
        Assert.Equal([999, 759, 499, 259], Timesteps(new LcmScheduler(new SchedulerConfig()), 4));
        Assert.Equal([999], Timesteps(new LcmScheduler(new SchedulerConfig()), 1));
    }

    [Fact]
    public void Lcm_RejectsMoreStepsThanOriginalSchedule()
    {
        var lcm = new LcmScheduler(new SchedulerConfig { OriginalInferenceSteps = 50 });
        Assert.Throws<ArgumentOutOfRangeException>(() => lcm.SetTimesteps(51));
    }

    [Fact]
    public void Pndm_FourSteps_RepeatsTheSecondTimestep()
    {
        Assert.Equal([751, 501, 501, 251, 1], Timesteps(new PndmScheduler(new SchedulerConfig()), 4));
        Assert.Equal([999, 749, 749, 499, 249], Timesteps(new PndmScheduler(Spacing("trailing")), 4));
    }

    [Theory]
    [InlineData("leading", 4, new double[] { 801, 601, 401, 201 })]
    [InlineData("linspace", 4, new double[] { 999, 749, 500, 250 })]
    [InlineData("trailing", 4, new double[] { 999, 749, 499, 249 })]
    [InlineData("leading", 7, new double[] { 876, 751, 626, 501, 376, 251, 126 })]
    [InlineData("linspace", 7, new double[] { 999, 856, 714, 571, 428, 285, 143 })]
    public void DpmSolver_SpacingDropsTheBottomOfNPlusOnePoints(string spacing, int steps, double[] expected)
    {
        Assert.Equal(expected, Timesteps(new DpmSolverMultistepScheduler(Spacing(spacing)), steps));
    }

    [Fact]
    public void SetTimesteps_RecomputesForANewCount()
    {
        var ddim = new DdimScheduler(new SchedulerConfig());
        ddim.SetTimesteps(50);
        Assert.Equal(50, ddim.Timesteps.Count);
        Assert.Equal(981, ddim.Timesteps[0]);
        ddim.SetTimesteps(4);
        Assert.Equal(4, ddim.Timesteps.Count);
    }

    [Fact]
    public void InvalidStepCountsAndSpacings_AreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DdimScheduler(new SchedulerConfig()).SetTimesteps(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EulerScheduler(new SchedulerConfig()).SetTimesteps(1001));
        Assert.Throws<ArgumentException>(() => new DdimScheduler(Spacing("uniform")));
        Assert.Throws<ArgumentException>(() => new DdimScheduler(new SchedulerConfig { StepsOffset = 300 }).SetTimesteps(4));
    }

    [Fact]
    public void Step_BeforeSetTimesteps_ExplainsWhatToDo()
    {
        var ddim = new DdimScheduler(new SchedulerConfig());
        var error = Assert.Throws<InvalidOperationException>(() =>
            ddim.Step(new float[4], 0, new float[4], new Easel.Engine.Tensors.GaussianNoise(1)));
        Assert.Contains("SetTimesteps", error.Message);
    }
}
