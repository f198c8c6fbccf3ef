using Easel.Engine.Pipelines;

namespace Easel.Engine.Tests.Pipelines;

/// <summary>Classifier-free guidance maths: guidance rescale and LCM's guidance embedding.</summary>
public class GuidanceTests
{
    [Fact]
    public void GuidanceRescaleMatchesTheConditionalStdAtPhiOneAndIsANoOpAtZero()
    {
        var cond = new float[] { 1, -1, 2, -2, 0.5f, -0.5f };
        var guided = cond.Select(v => v * 3f + 0.1f).ToArray();
        var untouched = (float[])guided.Clone();
        UnetRunner.RescaleGuidance(untouched, cond, 0);
        Assert.Equal(guided, untouched);

        var full = (float[])guided.Clone();
        UnetRunner.RescaleGuidance(full, cond, 1);
        Assert.Equal(Std(cond), Std(full), 4);
        var half = (float[])guided.Clone();
        UnetRunner.RescaleGuidance(half, cond, 0.5);
        for (int i = 0; i < half.Length; i++) Assert.Equal(0.5f * (guided[i] + full[i]), half[i], 4);
    }

    [Fact]
    public void LcmGuidanceEmbeddingIsSinusoidalInWTimes1000()
    {
        var e = UnetRunner.GuidanceEmbedding(7.5, 256, 2);
        Assert.Equal([2, 256], e.Shape);
        // First frequency is 1: sin(7500), cos(7500); the last is 1/10000.
        Assert.Equal(Math.Sin(7500), e.Data[0], 4);
        Assert.Equal(Math.Cos(7500), e.Data[128], 4);
        Assert.Equal(Math.Sin(7500 / 10000.0), e.Data[127], 4);
        Assert.Equal(e.Data.AsSpan(0, 256).ToArray(), e.Data.AsSpan(256, 256).ToArray());
        Assert.All(UnetRunner.GuidanceEmbedding(0, 8, 1).Data.Take(4), v => Assert.Equal(0f, v));
    }

    private static double Std(float[] x)
    {
        double m = x.Average(v => (double)v);
        return Math.Sqrt(x.Sum(v => (v - m) * (v - m)) / (x.Length - 1));
    }
}
