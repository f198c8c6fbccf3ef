using System.Collections.Concurrent;
using System.Text;

namespace Easel.Engine.Text;

/// <summary>
/// CLIP's byte-level BPE for one pre-token: the UTF-8 bytes become byte-alphabet symbols, the last one carrying
/// "&lt;/w&gt;"; then the adjacent pair with the lowest merge rank is merged everywhere (left to right, no
/// overlap) until no pair has a rank. Symbols are interned as ints so a merge is a dictionary lookup on a pair
/// of ints. Results are cached per pre-token; the encoder is immutable apart from that concurrent cache.
/// </summary>
internal sealed class BytePairEncoder
{
    public const string EndOfWord = "</w>";

    // Past this many cached words new ones are encoded but not kept, so a long-running server cannot grow
    // without bound on arbitrary prompts.
    private const int CacheCapacity = 100_000;

    private readonly Dictionary<long, (int Rank, int Merged)> _merges;
    private readonly int _vocabLimit; // symbol ids below this are vocabulary ids
    private readonly string[] _extraSymbols; // texts of symbols at _vocabLimit + i, which the vocabulary lacks
    private readonly int[] _byteSymbol = new int[256];
    private readonly int[] _byteSymbolEndOfWord = new int[256];
    private readonly int _unknownId;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private int _cacheCount; // ConcurrentDictionary.Count takes every lock, so keep a counter instead

    /// <param name="vocab">token text → id</param>
    /// <param name="vocabLimit">one more than the largest id in <paramref name="vocab"/></param>
    /// <param name="merges">merge pairs in priority order (a later duplicate of a pair overrides its rank, as in
    /// Python's dict)</param>
    /// <param name="unknownId">id for a symbol the vocabulary lacks (only a malformed vocabulary has one)</param>
    public BytePairEncoder(IReadOnlyDictionary<string, int> vocab, int vocabLimit,
        IReadOnlyList<(string Left, string Right)> merges, int unknownId)
    {
        _unknownId = unknownId;
        _vocabLimit = vocabLimit;
        // Symbols are the vocabulary's own ids, so loading needs lookups only; the rare symbol a vocabulary
        // lacks gets an id past the vocabulary.
        var extras = new Dictionary<string, int>(StringComparer.Ordinal);
        var extraTexts = new List<string>();
        int Symbol(string s)
        {
            if (vocab.TryGetValue(s, out int id))
                return id;
            if (!extras.TryGetValue(s, out id))
            {
                id = vocabLimit + extraTexts.Count;
                extras.Add(s, id);
                extraTexts.Add(s);
            }
            return id;
        }

        for (int b = 0; b < 256; b++)
        {
            string c = ByteLevelAlphabet.ByteToChar[b].ToString();
            _byteSymbol[b] = Symbol(c);
            _byteSymbolEndOfWord[b] = Symbol(c + EndOfWord);
        }

        _merges = new Dictionary<long, (int, int)>(merges.Count);
        for (int rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            _merges[Pair(Symbol(left), Symbol(right))] = (rank, Symbol(string.Concat(left, right)));
        }
        _extraSymbols = extraTexts.ToArray();
    }

    public int MergeCount => _merges.Count;

    /// <summary>Appends the vocabulary ids of one pre-token to <paramref name="output"/>.</summary>
    public void Encode(string preToken, List<int> output)
    {
        if (!_cache.TryGetValue(preToken, out var ids))
        {
            ids = EncodeUncached(preToken);
            if (Volatile.Read(ref _cacheCount) < CacheCapacity && _cache.TryAdd(preToken, ids))
                Interlocked.Increment(ref _cacheCount);
        }
        output.AddRange(ids);
    }

    private int[] EncodeUncached(string preToken)
    {
        var bytes = Encoding.UTF8.GetBytes(preToken);
        var word = new List<int>(bytes.Length);
        for (int i = 0; i < bytes.Length; i++)
            word.Add(i == bytes.Length - 1 ? _byteSymbolEndOfWord[bytes[i]] : _byteSymbol[bytes[i]]);

        while (word.Count > 1 && TryFindBestPair(word, out int left, out int right, out int merged))
            MergeAll(word, left, right, merged);

        var ids = new List<int>(word.Count);
        foreach (int symbol in word)
            AddVocabIds(symbol, ids);
        return ids.ToArray();
    }

    private bool TryFindBestPair(List<int> word, out int left, out int right, out int merged)
    {
        int bestRank = int.MaxValue;
        left = right = merged = -1;
        for (int i = 0; i + 1 < word.Count; i++)
        {
            if (_merges.TryGetValue(Pair(word[i], word[i + 1]), out var m) && m.Rank < bestRank)
            {
                bestRank = m.Rank;
                (left, right, merged) = (word[i], word[i + 1], m.Merged);
            }
        }
        return bestRank != int.MaxValue;
    }

    private static void MergeAll(List<int> word, int left, int right, int merged)
    {
        int write = 0;
        for (int read = 0; read < word.Count; write++)
        {
            if (read + 1 < word.Count && word[read] == left && word[read + 1] == right)
            {
                word[write] = merged;
                read += 2;
            }
            else
            {
                word[write] = word[read++];
            }
        }
        word.RemoveRange(write, word.Count - write);
    }

    /// <summary>
    /// A merged symbol the vocabulary lacks (possible only if vocab and merges disagree) falls back to its
    /// byte-level symbols, which every CLIP-format vocabulary holds; failing that, the unknown id.
    /// </summary>
    private void AddVocabIds(int symbol, List<int> ids)
    {
        if (symbol < _vocabLimit)
        {
            ids.Add(symbol);
            return;
        }
        string text = _extraSymbols[symbol - _vocabLimit];
        bool endOfWord = text.EndsWith(EndOfWord, StringComparison.Ordinal);
        string body = endOfWord ? text[..^EndOfWord.Length] : text;
        for (int i = 0; i < body.Length; i++)
        {
            int b = ByteLevelAlphabet.CharToByte(body[i]);
            int s = b < 0 ? -1 : endOfWord && i == body.Length - 1 ? _byteSymbolEndOfWord[b] : _byteSymbol[b];
            ids.Add(s >= 0 && s < _vocabLimit ? s : _unknownId);
        }
        if (body.Length == 0)
            ids.Add(_unknownId);
    }

    private static long Pair(int left, int right) => ((long)left << 32) | (uint)right;
}
