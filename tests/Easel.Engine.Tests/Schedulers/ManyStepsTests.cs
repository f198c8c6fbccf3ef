using Easel.Engine.Schedulers;

namespace Easel.Engine.Tests.Schedulers;

public class ManyStepsTests
{
    [Theory]
    [InlineData("ddim")]
    [InlineData("euler")]
    [InlineData("euler_a")]
    [InlineData("dpmpp_2m")]
    [InlineData("pndm")]
    public void UpToTheStepLimitStaysInsideTheTrainingSchedule(string name)
    {
        foreach (int steps in new[] { 501, 999, 1000 })
        {
            var scheduler = SchedulerFactory.Create(name, new SchedulerConfig());
            scheduler.SetTimesteps(steps);
            Assert.All(scheduler.Timesteps, t => Assert.InRange(t, 0, 999));
            Assert.True(scheduler.Timesteps.Count >= steps);
        }
    }
}
