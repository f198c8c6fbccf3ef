namespace Easel.Engine.Text;

/// <summary>
/// Applies per-token prompt weights to a text-encoder output: each token's hidden row is multiplied by its weight,
/// then the whole chunk is rescaled so its mean equals the mean before weighting. Without the rescale, weights
/// shift the embedding's overall magnitude, which the UNet reads as a different prompt rather than an emphasis.
/// </summary>
public static class PromptEmbeddingWeights
{
    /// <param name="hidden">[tokens × <paramref name="dim"/>] row-major hidden states of one chunk (77 × dim)</param>
    /// <param name="dim">hidden size (768 for SD1, 1024 for SD2, …)</param>
    /// <param name="weights">one weight per token row, e.g. <see cref="TokenChunk.Weights"/></param>
    public static void Apply(Span<float> hidden, int dim, ReadOnlySpan<float> weights)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dim, 1);
        if (hidden.Length != weights.Length * dim)
            throw new ArgumentException(
                $"hidden has {hidden.Length} values; {weights.Length} weights × {dim} needs {weights.Length * dim}.",
                nameof(hidden));
        if (AllOne(weights))
            return; // exact no-op, not a rescale by a ratio that is 1 up to rounding

        double originalSum = Sum(hidden);
        for (int t = 0; t < weights.Length; t++)
        {
            float w = weights[t];
            foreach (ref float v in hidden.Slice(t * dim, dim))
                v *= w;
        }
        double weightedSum = Sum(hidden);

        // Equal element counts make the ratio of means the ratio of sums. A zero or non-finite weighted mean has
        // no meaningful rescale; the weighted values are then left as they are.
        double scale = originalSum / weightedSum;
        if (weightedSum == 0 || !double.IsFinite(scale))
            return;
        foreach (ref float v in hidden)
            v = (float)(v * scale);
    }

    private static bool AllOne(ReadOnlySpan<float> weights)
    {
        foreach (float w in weights)
        {
            if (w != 1f)
                return false;
        }
        return true;
    }

    private static double Sum(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values)
            sum += v;
        return sum;
    }
}
