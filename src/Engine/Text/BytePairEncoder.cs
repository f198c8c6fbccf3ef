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
    private readonly int[] _symbolToVocabId;
    private readonly string[] _symbolText;
    private readonly int[] _byteSymbol = new int[256];
    private readonly int[] _byteSymbolEndOfWord = new int[256];
    private readonly int _unknownId;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);

    /// <param name="vocab">token text → id</param>
    /// <param name="merges">merge pairs in priority order (a later duplicate of a pair overrides its rank, as in
    /// Python's dict)</param>
    /// <param name="unknownId">id for a symbol the vocabulary lacks (only a malformed vocabulary has one)</param>
    public BytePairEncoder(IReadOnlyDictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> merges,
        int unknownId)
    {
        _unknownId = unknownId;
        var symbols = new Dictionary<string, int>(StringComparer.Ordinal);
        var texts = new List<string>();
        int Intern(string s)
        {
            if (!symbols.TryGetValue(s, out int id))
            {
                id = texts.Count;
                symbols.Add(s, id);
                texts.Add(s);
            }
            return id;
        }

        for (int b = 0; b < 256; b++)
        {
            string c = ByteLevelAlphabet.ByteToChar[b].ToString();
            _byteSymbol[b] = Intern(c);
            _byteSymbolEndOfWord[b] = Intern(c + EndOfWord);
        }

        _merges = new Dictionary<long, (int, int)>(merges.Count);
        for (int rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            _merges[Pair(Intern(left), Intern(right))] = (rank, Intern(left + right));
        }

        _symbolText = texts.ToArray();
        _symbolToVocabId = new int[_symbolText.Length];
        for (int s = 0; s < _symbolText.Length; s++)
            _symbolToVocabId[s] = vocab.TryGetValue(_symbolText[s], out int id) ? id : -1;
    }

    public int MergeCount => _merges.Count;

    /// <summary>Appends the vocabulary ids of one pre-token to <paramref name="output"/>.</summary>
    public void Encode(string preToken, List<int> output)
    {
        if (!_cache.TryGetValue(preToken, out var ids))
        {
            ids = EncodeUncached(preToken);
            if (_cache.Count < CacheCapacity)
                _cache.TryAdd(preToken, ids);
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
        int id = _symbolToVocabId[symbol];
        if (id >= 0)
        {
            ids.Add(id);
            return;
        }
        string text = _symbolText[symbol];
        bool endOfWord = text.EndsWith(EndOfWord, StringComparison.Ordinal);
        string body = endOfWord ? text[..^EndOfWord.Length] : text;
        for (int i = 0; i < body.Length; i++)
        {
            int b = ByteLevelAlphabet.CharToByte(body[i]);
            int s = b < 0 ? -1 : endOfWord && i == body.Length - 1 ? _byteSymbolEndOfWord[b] : _byteSymbol[b];
            int fallback = s < 0 ? -1 : _symbolToVocabId[s];
            ids.Add(fallback >= 0 ? fallback : _unknownId);
        }
        if (body.Length == 0)
            ids.Add(_unknownId);
    }

    private static long Pair(int left, int right) => ((long)left << 32) | (uint)right;
}
