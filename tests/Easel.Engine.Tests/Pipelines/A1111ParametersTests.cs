using Easel.Engine.Imaging;

namespace Easel.Engine.Tests.Pipelines;

/// <summary>Image metadata in the A1111 "parameters" text and its JSON round trip.</summary>
public class A1111ParametersTests
{
    [Fact]
    public void A1111ParametersFollowTheCommonFormat()
    {
        var m = new ImageMetadata { Prompt = "a cat", NegativePrompt = "blurry", Model = "m", Width = 64, Height = 48, Steps = 20, Guidance = 7.5, Scheduler = "euler_a", Seed = 42 };
        var lines = m.ToA1111Parameters().Split('\n');
        Assert.Equal("a cat", lines[0]);
        Assert.Equal("Negative prompt: blurry", lines[1]);
        Assert.StartsWith("Steps: 20, Sampler: Euler a, CFG scale: 7.5, Seed: 42, Size: 64x48, Model: m", lines[2]);
        var roundTrip = ImageMetadata.FromJson(m.ToJson());
        Assert.Equal(m with { SourceImageHashes = null }, roundTrip! with { SourceImageHashes = null });
        Assert.Contains("\"engine_version\"", m.ToJson());
    }
}
