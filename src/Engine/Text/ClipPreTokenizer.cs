using System.Globalization;
using System.Text;

namespace Easel.Engine.Text;

/// <summary>
/// Splits normalized text into CLIP's pre-tokens, equivalent to its pattern
/// <c>&lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>
/// tried leftmost-first. A scanner over code points rather than a .NET Regex because .NET matches UTF-16 units:
/// astral letters and digits (𝐀, 𝟏, CJK extension B) would fall into the punctuation class there.
/// </summary>
internal static class ClipPreTokenizer
{
    public const string StartOfText = "<|startoftext|>";
    public const string EndOfText = "<|endoftext|>";

    private static readonly string[] Contractions = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"];

    private enum Kind { Space, Letter, Number, Other }

    public static List<string> Split(string text)
    {
        var tokens = new List<string>();
        int i = 0;
        while (i < text.Length)
        {
            int length = MatchAt(text, i);
            if (length > 0)
                tokens.Add(text.Substring(i, length));
            else
                length = CharLength(text, i); // whitespace is skipped
            i += length;
        }
        return tokens;
    }

    /// <summary>Length of the pre-token starting at <paramref name="i"/>, 0 if that is whitespace.</summary>
    private static int MatchAt(string text, int i)
    {
        if (text[i] == '<')
        {
            if (MatchesIgnoringCase(text, i, StartOfText))
                return StartOfText.Length;
            if (MatchesIgnoringCase(text, i, EndOfText))
                return EndOfText.Length;
        }
        if (text[i] == '\'')
        {
            foreach (var c in Contractions)
            {
                if (MatchesIgnoringCase(text, i, c))
                    return c.Length;
            }
        }

        var kind = KindAt(text, i, out int first);
        switch (kind)
        {
            case Kind.Space:
                return 0;
            case Kind.Number:
                return first; // digits are single pre-tokens
            default:
                int end = i + first;
                while (end < text.Length && KindAt(text, end, out int n) == kind)
                    end += n;
                return end - i;
        }
    }

    /// <summary>
    /// CLIP compiles its pattern with IGNORECASE. The text is already lower-case, so the one fold left is the long
    /// s 'ſ', which matches 's' ("it'ſ" splits like "it's"; "&lt;|ſtartoftext|&gt;" is one pre-token, though not BOS).
    /// </summary>
    private static bool MatchesIgnoringCase(string text, int i, string literal)
    {
        if (i + literal.Length > text.Length)
            return false;
        for (int k = 0; k < literal.Length; k++)
        {
            char c = text[i + k];
            if (c != literal[k] && !(literal[k] == 's' && c == '\u017F'))
                return false;
        }
        return true;
    }

    private static Kind KindAt(string text, int i, out int length)
    {
        length = CharLength(text, i);
        var rune = length == 2 ? new Rune(text[i], text[i + 1]) : Rune.IsValid(text[i]) ? new Rune(text[i]) : Rune.ReplacementChar;
        if (Rune.IsWhiteSpace(rune))
            return Kind.Space;
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => Kind.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => Kind.Number,
            _ => Kind.Other,
        };
    }

    private static int CharLength(string text, int i) =>
        char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
}
