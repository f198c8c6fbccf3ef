using System.Globalization;
using System.Text;

namespace Easel.Engine.Text;

/// <summary>
/// CLIP's text clean-up before pre-tokenization: html-unescape twice, strip, collapse whitespace runs to one
/// space, lower-case (ftfy's repairs are treated as identity). Each step follows the Python function CLIP calls,
/// because any difference shows up as different token ids.
/// </summary>
internal static class ClipTextNormalizer
{
    public static string Normalize(string text)
    {
        text = HtmlCharacterReferences.Unescape(HtmlCharacterReferences.Unescape(text));
        text = StripPythonWhitespace(text);
        text = CollapseWhitespace(text);
        return PythonLower(text);
    }

    /// <summary>Python's str.strip(): also drops U+001C..U+001F, which str.isspace() counts as whitespace.</summary>
    private static string StripPythonWhitespace(string text)
    {
        int start = 0, end = text.Length;
        while (start < end && IsPythonSpace(text[start]))
            start++;
        while (end > start && IsPythonSpace(text[end - 1]))
            end--;
        return text[start..end];
    }

    private static bool IsPythonSpace(char c) => char.IsWhiteSpace(c) || c is >= '\u001C' and <= '\u001F';

    /// <summary>
    /// CLIP's <c>re.sub(r'\s+', ' ', text).strip()</c>; its regex module's \s is the Unicode White_Space set,
    /// which is exactly what <see cref="char.IsWhiteSpace(char)"/> tests (no White_Space code point is astral).
    /// </summary>
    private static string CollapseWhitespace(string text)
    {
        var sb = new StringBuilder(text.Length);
        bool pendingSpace = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = true;
                continue;
            }
            if (pendingSpace && sb.Length > 0)
                sb.Append(' ');
            pendingSpace = false;
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>
    /// Python's str.lower(): the invariant simple mapping plus the two context rules that change the ids of real
    /// text: 'İ' becomes "i̇" (two code points) and a capital sigma ending a word becomes the final form 'ς'.
    /// </summary>
    internal static string PythonLower(string text)
    {
        if (text.AsSpan().IndexOfAny('\u0130', '\u03A3') < 0)
            return text.ToLowerInvariant();

        var sb = new StringBuilder(text.Length + 4);
        int i = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value == 0x130)
                sb.Append("i\u0307");
            else if (rune.Value == 0x3A3)
                sb.Append(IsFinalSigma(text, i) ? '\u03C2' : '\u03C3');
            else
                sb.Append(Rune.ToLowerInvariant(rune).ToString());
            i += rune.Utf16SequenceLength;
        }
        return sb.ToString();
    }

    /// <summary>Unicode's Final_Sigma: a cased letter before (skipping case-ignorables), none after.</summary>
    private static bool IsFinalSigma(string text, int at)
    {
        int i = at - 1;
        while (i >= 0 && IsCaseIgnorable(text[i]))
            i--;
        if (i < 0 || !IsCased(text[i]))
            return false;
        int j = at + 1;
        while (j < text.Length && IsCaseIgnorable(text[j]))
            j++;
        return j >= text.Length || !IsCased(text[j]);
    }

    private static bool IsCased(char c) =>
        CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
            or UnicodeCategory.TitlecaseLetter;

    private static bool IsCaseIgnorable(char c) =>
        c is '\'' or '.' or ':' or '\u00B7' or '\u0387' or '\u05F4' or '\u2018' or '\u2019' or '\u2024' or '\u2027'
            or '\uFE13' or '\uFE52' or '\uFE55' or '\uFF07' or '\uFF0E' or '\uFF1A' ||
        CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.Format or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol;
}
