namespace Easel.Engine.Text;

/// <summary>
/// GPT-2/CLIP's reversible map from the 256 byte values to printable characters, so BPE runs on text that has
/// no whitespace or control characters. Printable Latin-1 bytes map to themselves; the other 68 bytes take
/// U+0100 onwards in byte order.
/// </summary>
internal static class ByteLevelAlphabet
{
    public static readonly IReadOnlyList<char> ByteToChar = Build();

    private static char[] Build()
    {
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
            map[b] = IsPrintable(b) ? (char)b : (char)next++;
        return map;
    }

    private static bool IsPrintable(int b) => b is >= '!' and <= '~' or >= '¡' and <= '¬' or >= '®' and <= 'ÿ';

    /// <summary>Inverse map; -1 for characters that no byte maps to.</summary>
    public static int CharToByte(char c)
    {
        if (c < 256)
            return IsPrintable(c) ? c : -1;
        int index = c - 256;
        if (index >= 68)
            return -1;
        for (int b = 0; b < 256; b++)
        {
            if (ByteToChar[b] == c)
                return b;
        }
        return -1;
    }
}
