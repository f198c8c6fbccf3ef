namespace Easel.Engine.Text;

/// <summary>
/// One text-encoder input: <see cref="Ids"/> and <see cref="Weights"/> have the tokenizer's MaxLength (77):
/// BOS, up to 75 prompt tokens, EOS, then pad. BOS, EOS and pad positions have weight 1.
/// </summary>
public sealed record TokenChunk(int[] Ids, float[] Weights);

/// <summary>
/// A prompt split into encoder chunks. <see cref="TokenCount"/> counts every prompt token (no BOS/EOS/pad),
/// including the <see cref="DroppedTokens"/> that did not fit in the allowed number of chunks.
/// </summary>
public sealed record TokenizedPrompt(IReadOnlyList<TokenChunk> Chunks, int TokenCount, int DroppedTokens)
{
    public bool Truncated => DroppedTokens > 0;
}
