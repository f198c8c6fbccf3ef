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

    /// <summary>
    /// What a seed means: the first draws of a few seeds, pinned. The diffusers goldens
    /// (tests/fixtures/diffusers/make_scheduler_goldens.py) reimplement the generator and check the same values, so
    /// any change to the algorithm fails here and there.
    /// </summary>
    [Theory]
    [InlineData(0L, new[] { -0.018964991f, -1.35593021f, -0.403721094f, 0.233350977f, 1.62511003f, -0.00256868638f })]
    [InlineData(42L, new[] { -0.303263068f, 0.288461745f, 1.34381175f, -0.687975168f, 0.383461803f, -3.07589889f })]
    [InlineData(-1L, new[] { 0.140072137f, -1.27351999f, -0.0176177081f, -1.18969989f, -0.148157373f, -1.28573656f })]
    [InlineData(123456789L, new[] { 1.36410177f, -1.25273716f, -0.404399842f, -0.088181749f, -2.00029302f, 0.199857622f })]
    public void FirstValuesOfASeed_ArePinned(long seed, float[] expected)
    {
        var actual = new GaussianNoise(seed).Next(expected.Length);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void UniformStream_IsPinned()
    {
        // xoshiro256** seeded by SplitMix64(0): the 53-bit uniform of the first output.
        var noise = new GaussianNoise(0);
        double first = noise.NextUniform();
        Assert.Equal(PinnedFirstUniformOfSeedZero, first);
    }

    private const double PinnedFirstUniformOfSeedZero = 0.6012629994179048;
}
