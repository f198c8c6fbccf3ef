namespace Easel.Engine.Text;

/// <summary>
/// Packs prompt tokens into encoder chunks: BOS, up to ChunkCapacity tokens, EOS, then pad, each chunk the
/// tokenizer's MaxLength long. Long prompts are encoded chunk by chunk and the outputs concatenated, which is
/// how A1111-style pipelines get past CLIP's 77-token window.
/// </summary>
internal static class PromptChunker
{
    public static TokenizedPrompt Pack(List<int> ids, List<float> weights, int maxChunks, ClipTokenizer tokenizer)
    {
        int capacity = tokenizer.ChunkCapacity;
        int needed = Math.Max(1, (ids.Count + capacity - 1) / capacity);
        int chunkCount = Math.Min(needed, maxChunks);
        int kept = Math.Min(ids.Count, chunkCount * capacity);

        var chunks = new List<TokenChunk>(chunkCount);
        for (int c = 0; c < chunkCount; c++)
        {
            int start = c * capacity;
            int count = Math.Clamp(kept - start, 0, capacity);
            chunks.Add(Frame(ids, weights, start, count, tokenizer));
        }
        return new TokenizedPrompt(chunks, ids.Count, ids.Count - kept);
    }

    public static TokenChunk EmptyChunk(ClipTokenizer tokenizer) => Frame([], [], 0, 0, tokenizer);

    private static TokenChunk Frame(List<int> ids, List<float> weights, int start, int count, ClipTokenizer tokenizer)
    {
        var chunkIds = new int[tokenizer.MaxLength];
        var chunkWeights = new float[tokenizer.MaxLength];
        Array.Fill(chunkIds, tokenizer.PadId);
        Array.Fill(chunkWeights, 1f);
        chunkIds[0] = tokenizer.BosId;
        ids.CopyTo(start, chunkIds, 1, count);
        weights.CopyTo(start, chunkWeights, 1, count);
        chunkIds[count + 1] = tokenizer.EosId;
        return new TokenChunk(chunkIds, chunkWeights);
    }
}
