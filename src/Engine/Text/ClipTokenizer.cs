using System.Text;

namespace Easel.Engine.Text;

/// <summary>
/// The CLIP text tokenizer of Stable Diffusion pipelines, matching openai/CLIP's simple_tokenizer.py (with ftfy
/// as identity) on the full vocabulary and on reduced ones in the same format. Immutable after loading and safe
/// to share between threads.
/// </summary>
public sealed class ClipTokenizer
{
    /// <summary>CLIP's context length; longer configured lengths are capped to it.</summary>
    public const int ClipContextLength = 77;

    private readonly BytePairEncoder _bpe;
    private readonly string?[] _idToToken;

    private ClipTokenizer(BytePairEncoder bpe, string?[] idToToken, int bosId, int eosId, int padId, int maxLength)
    {
        _bpe = bpe;
        _idToToken = idToToken;
        BosId = bosId;
        EosId = eosId;
        PadId = padId;
        MaxLength = maxLength;
    }

    public int BosId { get; }
    public int EosId { get; }
    public int PadId { get; }

    /// <summary>Ids per encoder chunk including BOS and EOS (77 for every Stable Diffusion model).</summary>
    public int MaxLength { get; }

    /// <summary>Prompt tokens that fit in one chunk between BOS and EOS (75).</summary>
    public int ChunkCapacity => MaxLength - 2;

    public int VocabularySize => _idToToken.Length;

    /// <summary>
    /// Loads a diffusers <c>tokenizer/</c> folder. Throws <see cref="FileNotFoundException"/> when vocab.json or
    /// merges.txt is missing and <see cref="InvalidDataException"/> naming the file when one is malformed.
    /// </summary>
    public static ClipTokenizer FromFolder(string tokenizerDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenizerDirectory);
        var vocab = TokenizerFolder.ReadVocab(tokenizerDirectory);
        var merges = TokenizerFolder.ReadMerges(tokenizerDirectory);
        string vocabPath = Path.Combine(tokenizerDirectory, TokenizerFolder.VocabFile);

        int bos = RequireId(vocab, ClipPreTokenizer.StartOfText, vocabPath);
        int eos = RequireId(vocab, ClipPreTokenizer.EndOfText, vocabPath);
        // SD1 configs pad with <|endoftext|>, SD2/SDXL with "!"; without a pad token CLIP-style EOS padding is used.
        string? padToken = TokenizerFolder.ReadPadToken(tokenizerDirectory);
        int pad = padToken is null ? eos : vocab.TryGetValue(padToken, out int p) ? p
            : throw new InvalidDataException(
                $"{Path.Combine(tokenizerDirectory, TokenizerFolder.ConfigFile)}: pad token \"{padToken}\" is not in {vocabPath}.");
        int maxLength = TokenizerFolder.ReadMaxLength(tokenizerDirectory, ClipContextLength);

        var idToToken = InvertVocab(vocab, vocabPath);
        // <|endoftext|> doubles as CLIP's unknown token (transformers' unk_token) for a symbol the vocab lacks.
        var bpe = new BytePairEncoder(vocab, idToToken.Length, merges, unknownId: eos);
        return new ClipTokenizer(bpe, idToToken, bos, eos, pad, maxLength);
    }

    /// <summary>BOS + token ids + EOS, neither truncated nor padded.</summary>
    public int[] Encode(string text)
    {
        var ids = new List<int> { BosId };
        AppendIds(text, ids);
        ids.Add(EosId);
        return ids.ToArray();
    }

    /// <summary>Token ids of <paramref name="text"/> without BOS/EOS (a literal "&lt;|endoftext|&gt;" in the
    /// text still becomes the EOS id, as in CLIP).</summary>
    public IReadOnlyList<int> EncodeWithoutSpecial(string text)
    {
        var ids = new List<int>();
        AppendIds(text, ids);
        return ids;
    }

    /// <summary>
    /// Splits <paramref name="prompt"/> into weighted spans (A1111 syntax, see <see cref="PromptWeighting"/>)
    /// unless <paramref name="parseWeights"/> is false, tokenizes each, and packs the tokens into chunks of
    /// <see cref="ChunkCapacity"/>, each framed by BOS/EOS and padded to <see cref="MaxLength"/>. Tokens beyond
    /// <paramref name="maxChunks"/> chunks are dropped and counted. An empty prompt gives one empty chunk.
    /// </summary>
    public TokenizedPrompt Tokenize(string prompt, int maxChunks = 3, bool parseWeights = true)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChunks, 1);
        var spans = parseWeights ? PromptWeighting.Parse(prompt) : [new WeightedText(prompt, 1f)];
        var ids = new List<int>();
        var weights = new List<float>();
        foreach (var span in spans)
        {
            int before = ids.Count;
            AppendIds(span.Text, ids);
            for (int i = before; i < ids.Count; i++)
                weights.Add(span.Weight);
        }
        return PromptChunker.Pack(ids, weights, maxChunks, this);
    }

    /// <summary>Appends empty chunks until <paramref name="prompt"/> has <paramref name="chunkCount"/> chunks,
    /// so a conditional and an unconditional prompt encode to the same length. Never removes chunks.</summary>
    public TokenizedPrompt PadToChunks(TokenizedPrompt prompt, int chunkCount)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Chunks.Count >= chunkCount)
            return prompt;
        var chunks = prompt.Chunks.ToList();
        while (chunks.Count < chunkCount)
            chunks.Add(PromptChunker.EmptyChunk(this));
        return prompt with { Chunks = chunks };
    }

    /// <summary>The vocabulary entry of an id, e.g. "cat&lt;/w&gt;"; null for an unused id.</summary>
    public string? TokenText(int id) => (uint)id < (uint)_idToToken.Length ? _idToToken[id] : null;

    /// <summary>Ids back to text as CLIP's decode does ("&lt;/w&gt;" becomes a space; trailing space trimmed).</summary>
    public string Decode(IEnumerable<int> ids)
    {
        var symbols = new StringBuilder();
        foreach (int id in ids)
            symbols.Append(TokenText(id));
        string text = symbols.ToString();
        var bytes = new List<byte>(text.Length);
        var result = new StringBuilder();
        // Special tokens and "</w>" are not byte symbols: flush the bytes so far around them.
        for (int i = 0; i < text.Length; i++)
        {
            if (string.CompareOrdinal(text, i, BytePairEncoder.EndOfWord, 0, BytePairEncoder.EndOfWord.Length) == 0)
            {
                Flush();
                result.Append(' ');
                i += BytePairEncoder.EndOfWord.Length - 1;
                continue;
            }
            int b = ByteLevelAlphabet.CharToByte(text[i]);
            if (b >= 0)
            {
                bytes.Add((byte)b);
                continue;
            }
            Flush();
            result.Append(text[i]);
        }
        Flush();
        return result.ToString().TrimEnd(' ');

        void Flush()
        {
            result.Append(Encoding.UTF8.GetString(bytes.ToArray()));
            bytes.Clear();
        }
    }

    private void AppendIds(string text, List<int> ids)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var preToken in ClipPreTokenizer.Split(ClipTextNormalizer.Normalize(text)))
        {
            if (preToken == ClipPreTokenizer.StartOfText)
                ids.Add(BosId);
            else if (preToken == ClipPreTokenizer.EndOfText)
                ids.Add(EosId);
            else
                _bpe.Encode(preToken, ids);
        }
    }

    private static int RequireId(Dictionary<string, int> vocab, string token, string vocabPath) =>
        vocab.TryGetValue(token, out int id) ? id
            : throw new InvalidDataException($"{vocabPath}: the special token {token} is missing.");

    private static string?[] InvertVocab(Dictionary<string, int> vocab, string vocabPath)
    {
        int maxId = -1;
        foreach (var (token, id) in vocab)
        {
            // A sparse or negative id space means this is not a BPE vocabulary we can index.
            if (id < 0 || id > 4 * vocab.Count)
                throw new InvalidDataException($"{vocabPath}: id {id} of \"{token}\" is out of range.");
            maxId = Math.Max(maxId, id);
        }
        var tokens = new string?[maxId + 1];
        foreach (var (token, id) in vocab)
        {
            // BPE symbols are identified by their ids, so two tokens on one id would be merged into one.
            if (tokens[id] is { } other)
                throw new InvalidDataException($"{vocabPath}: \"{other}\" and \"{token}\" share id {id}.");
            tokens[id] = token;
        }
        return tokens;
    }
}
