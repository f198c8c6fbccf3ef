using Easel.Engine.Pipelines;

namespace Easel.Engine.Tests.Parity;

/// <summary>A request for more LCM steps than the model's original_inference_steps is a field error naming the limit.</summary>
public class LcmStepLimitTests
{
    [Fact]
    public async Task LcmModel_ThousandSteps_IsAStepsFieldErrorNamingFifty()
    {
        using var output = new TempDir();
        using var engine = new EaselEngine(new EaselOptions
        {
            ModelsPath = RepoPaths.FixtureModels,
            OutputDirectory = output.Path,
            ExecutionProvider = "cpu",
        });
        var request = new GenerateRequest { Prompt = "a circle", Model = "lcm", Width = 64, Height = 64, Steps = 1000, Seed = 1 };

        var error = await Assert.ThrowsAsync<EaselValidationException>(
            () => engine.GenerateAsync(request).WaitAsync(TimeSpan.FromMinutes(2)));

        Assert.Equal("steps", error.Field);
        Assert.Contains("at most 50", error.Message);
        Assert.Contains("original_inference_steps", error.Message);
        Assert.Empty(output.Files);
    }
}
