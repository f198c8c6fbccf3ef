using Easel.Engine.Models;
using Easel.Engine.Onnx;
using Easel.Engine.Tensors;

namespace Easel.Engine.Text;

/// <summary>Text conditioning for one request: [batch, tokens, dim] states, plus SDXL's pooled embeddings.</summary>
public sealed record EncodedPrompt(
    Tensor Conditional,
    Tensor? Unconditional,
    Tensor? PooledConditional,
    Tensor? PooledUnconditional,
    int TokenCount,
    int DroppedTokens,
    int Chunks);

/// <summary>
/// Runs a folder's text encoder(s): tokenizes with prompt weights, encodes each 77-token chunk, applies the weights,
/// concatenates chunks along the sequence axis. SDXL concatenates the penultimate hidden states of both encoders
/// and takes the pooled <c>text_embeds</c> from the second.
/// </summary>
public sealed class PromptEncoder
{
    private const int MaxChunks = 8;
    private readonly ModelFolder _folder;
    private readonly Lazy<ClipTokenizer?> _tokenizer;
    private readonly Lazy<ClipTokenizer?> _tokenizer2;

    public PromptEncoder(ModelFolder folder)
    {
        _folder = folder;
        _tokenizer = new(() => folder.Tokenizer);
        _tokenizer2 = new(() => folder.Tokenizer2);
    }

    public ClipTokenizer Tokenizer => _tokenizer.Value ?? _tokenizer2.Value
        ?? throw new EaselException($"Model '{_folder.Name}' has no tokenizer.");

    /// <summary>How many chunks the UNet accepts: one if its sequence axis is fixed (some exports fix 77).</summary>
    private int ChunkLimit => _folder.Unet.Input("encoder_hidden_states").FixedDimension(1) is { } fixedLen ? Math.Max(1, fixedLen / 77) : MaxChunks;

    public EncodedPrompt Encode(string prompt, string? negativePrompt, bool withUnconditional, RunTimings? timings, CancellationToken ct)
    {
        var caps = _folder.Capabilities;
        int limit = ChunkLimit;
        var cond = Tokenizer.Tokenize(prompt, limit);
        TokenizedPrompt? uncond = withUnconditional ? Tokenizer.Tokenize(negativePrompt ?? "", limit) : null;
        if (uncond is not null)
        {
            int chunks = Math.Max(cond.Chunks.Count, uncond.Chunks.Count);
            cond = Tokenizer.PadToChunks(cond, chunks);
            uncond = Tokenizer.PadToChunks(uncond, chunks);
        }

        var batch = uncond is null ? new[] { cond } : new[] { uncond, cond };
        var (states, pooled) = caps.Family == ModelFamily.SDXL
            ? EncodeXl(prompt, negativePrompt, batch, timings, ct)
            : (EncodeWith(_folder.TextEncoder!, batch, "last_hidden_state", null, timings, ct).States, null);

        if (uncond is not null && caps.ForceZerosForEmptyPrompt && string.IsNullOrWhiteSpace(negativePrompt))
        {
            Array.Clear(states.Data, 0, states.ItemLength);
            if (pooled is not null) Array.Clear(pooled.Data, 0, pooled.ItemLength);
        }
        return uncond is null
            ? new EncodedPrompt(states, null, pooled, null, cond.TokenCount, cond.DroppedTokens, cond.Chunks.Count)
            : new EncodedPrompt(states.Slice(1, 1), states.Slice(0, 1), pooled?.Slice(1, 1), pooled?.Slice(0, 1),
                cond.TokenCount, cond.DroppedTokens, cond.Chunks.Count);
    }

    private (Tensor States, Tensor? Pooled) EncodeXl(string prompt, string? negative, TokenizedPrompt[] batch, RunTimings? timings, CancellationToken ct)
    {
        var parts = new List<Tensor>();
        Tensor? pooled = null;
        if (_folder.TextEncoder is { } encoder1)
            parts.Add(EncodeWith(encoder1, batch, PenultimateHidden(encoder1), null, timings, ct).States);
        if (_folder.TextEncoder2 is { } encoder2)
        {
            var tokenizer2 = _tokenizer2.Value ?? Tokenizer;
            var batch2 = batch.Length == 1
                ? new[] { tokenizer2.Tokenize(prompt, ChunkLimit) }
                : new[] { tokenizer2.Tokenize(negative ?? "", ChunkLimit), tokenizer2.Tokenize(prompt, ChunkLimit) };
            int chunks = batch[0].Chunks.Count;
            batch2 = batch2.Select(p => tokenizer2.PadToChunks(p, chunks)).ToArray();
            var pooledName = encoder2.Outputs.ContainsKey("text_embeds") ? "text_embeds" : "pooler_output";
            var result = EncodeWith(encoder2, batch2, PenultimateHidden(encoder2), pooledName, timings, ct);
            parts.Add(result.States);
            pooled = result.Pooled;
        }
        return (Tensor.ConcatChannelsLast(parts), pooled);
    }

    /// <summary>CLIP exports list hidden_states.0 (embeddings) … hidden_states.L; SDXL conditions on L-1.</summary>
    private static string PenultimateHidden(OnnxModel encoder)
    {
        var indices = encoder.Outputs.Keys
            .Where(k => k.StartsWith("hidden_states.", StringComparison.Ordinal))
            .Select(k => int.TryParse(k["hidden_states.".Length..], out var i) ? i : -1)
            .Where(i => i >= 0).ToList();
        return indices.Count >= 2 ? $"hidden_states.{indices.Max() - 1}" : encoder.OutputNamed("last_hidden_state");
    }

    private static (Tensor States, Tensor? Pooled) EncodeWith(
        OnnxModel encoder, TokenizedPrompt[] batch, string statesName, string? pooledName, RunTimings? timings, CancellationToken ct)
    {
        var idsName = encoder.Inputs.ContainsKey("input_ids") ? "input_ids" : encoder.Inputs.Keys.First();
        var outputs = pooledName is null ? new[] { statesName } : new[] { statesName, pooledName };
        var chunkStates = new List<Tensor>();
        Tensor? pooled = null;
        int chunkCount = batch[0].Chunks.Count;
        for (int c = 0; c < chunkCount; c++)
        {
            var ids = new long[batch.Length * 77];
            for (int b = 0; b < batch.Length; b++)
                for (int t = 0; t < 77; t++)
                    ids[b * 77 + t] = batch[b].Chunks[c].Ids[t];
            var result = encoder.Run(new Dictionary<string, InputValue> { [idsName] = InputValue.FromIntegers(ids, batch.Length, 77) }, outputs, timings, ct);
            var states = result[statesName];
            int dim = states.Shape[2];
            for (int b = 0; b < batch.Length; b++)
                PromptEmbeddingWeights.Apply(states.Item(b), dim, batch[b].Chunks[c].Weights);
            chunkStates.Add(states);
            if (c == 0 && pooledName is not null) pooled = result[pooledName];
        }
        return (Tensor.ConcatSequence(chunkStates), pooled);
    }
}
