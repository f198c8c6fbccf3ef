using Easel.Engine.Text;

namespace Easel.Engine.Tests.Text;

public class PromptEmbeddingWeightsTests
{
    private const int Tokens = 77;
    private const int Dim = 8;

    private static float[] Hidden(int seed)
    {
        var random = new Random(seed);
        // Positive offset so the mean is well away from zero, as in real encoder outputs' rescaling.
        return Enumerable.Range(0, Tokens * Dim).Select(_ => (float)(random.NextDouble() * 2 - 0.5)).ToArray();
    }

    private static float[] Ones() => Enumerable.Repeat(1f, Tokens).ToArray();

    [Fact]
    public void WeightOneIsANoOp()
    {
        var hidden = Hidden(1);
        var original = hidden.ToArray();
        PromptEmbeddingWeights.Apply(hidden, Dim, Ones());
        Assert.Equal(original, hidden);
    }

    [Fact]
    public void MeanIsPreservedAndWeightedTokensScaledRelativeToTheRest()
    {
        var hidden = Hidden(2);
        var original = hidden.ToArray();
        var weights = Ones();
        weights[3] = 1.5f;
        weights[4] = 0.5f;
        PromptEmbeddingWeights.Apply(hidden, Dim, weights);

        Assert.Equal(original.Average(v => (double)v), hidden.Average(v => (double)v), 5);
        Assert.NotEqual(original, hidden);
        // One common rescale factor for the chunk: a row's ratio to the original is weight × factor.
        double factor = hidden[0] / original[0];
        for (int t = 0; t < Tokens; t++)
        {
            for (int d = 0; d < Dim; d++)
            {
                int i = t * Dim + d;
                Assert.Equal(original[i] * weights[t] * factor, hidden[i], 1e-5);
            }
        }
        // Emphasised token grew relative to an unweighted one, de-emphasised shrank.
        Assert.Equal(1.5, hidden[3 * Dim] / original[3 * Dim] / factor, 4);
        Assert.Equal(0.5, hidden[4 * Dim] / original[4 * Dim] / factor, 4);
        Assert.NotEqual(1.0, factor, 6);
    }

    [Fact]
    public void WorksOnTokenChunkWeights()
    {
        var chunk = ClipFixtures.Full.Tokenize("a (red:2) circle").Chunks.Single();
        var hidden = Hidden(3);
        var original = hidden.ToArray();
        PromptEmbeddingWeights.Apply(hidden, Dim, chunk.Weights);
        double factor = hidden[0] / original[0];
        Assert.Equal(2.0, hidden[2 * Dim + 1] / original[2 * Dim + 1] / factor, 4); // "red" row
        Assert.Equal(original.Average(v => (double)v), hidden.Average(v => (double)v), 5);
    }

    [Fact]
    public void ZeroMeanAfterWeightingLeavesTheWeightedValues()
    {
        var hidden = new float[2 * 2] { 1, 1, 1, 1 };
        PromptEmbeddingWeights.Apply(hidden, 2, [1f, -1f]); // weighted mean 0: no finite rescale
        Assert.Equal([1f, 1f, -1f, -1f], hidden);
    }

    [Fact]
    public void MismatchedShapesAreRejected()
    {
        Assert.Throws<ArgumentException>(() => PromptEmbeddingWeights.Apply(new float[10], 3, Ones()));
        Assert.Throws<ArgumentOutOfRangeException>(() => PromptEmbeddingWeights.Apply([], 0, []));
    }
}
