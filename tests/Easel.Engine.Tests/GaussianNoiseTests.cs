using Easel.Engine.Tensors;

namespace Easel.Engine.Tests;

public class GaussianNoiseTests
{
    [Fact]
    public void SameSeedGivesSameSequenceAndDifferentSeedsDiffer()
    {
        var a = new GaussianNoise(42).Next(1000);
        var b = new GaussianNoise(42).Next(1000);
        var c = new GaussianNoise(43).Next(1000);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void SamplesAreStandardNormal()
    {
        var x = new GaussianNoise(7).Next(200_000);
        double mean = x.Average(v => (double)v);
        double var = x.Average(v => (v - mean) * (v - mean));
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(var, 0.98, 1.02);
        // Tail mass beyond 2 sigma is about 4.55 %.
        double tail = x.Count(v => Math.Abs(v) > 2) / (double)x.Length;
        Assert.InRange(tail, 0.042, 0.049);
    }
}
