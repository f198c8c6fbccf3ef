using System.Buffers;
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
        int i = at;
        Rune before = default;
        bool found = false;
        while (i > 0 && Rune.DecodeLastFromUtf16(text.AsSpan(0, i), out before, out int length) == OperationStatus.Done)
        {
            i -= length;
            if (!IsCaseIgnorable(before))
            {
                found = true;
                break;
            }
        }
        if (!found || !IsCased(before))
            return false;
        int j = at + 1;
        while (j < text.Length && Rune.DecodeFromUtf16(text.AsSpan(j), out var after, out int length) == OperationStatus.Done)
        {
            if (!IsCaseIgnorable(after))
                return !IsCased(after);
            j += length;
        }
        return true;
    }

    /// <summary>Unicode's Cased: upper, lower and title case letters plus Other_Uppercase/Other_Lowercase
    /// (modifier letters like ʰ, Roman numerals, circled letters), which Python's lower() also counts.</summary>
    private static bool IsCased(Rune r) =>
        Rune.GetUnicodeCategory(r) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
            or UnicodeCategory.TitlecaseLetter || IsOtherCased(r.Value);

    private static bool IsOtherCased(int c) =>
        c is 0xAA or 0xBA or >= 0x2B0 and <= 0x2B8 or 0x2C0 or 0x2C1 or >= 0x2E0 and <= 0x2E4 or 0x345 or 0x37A
            or >= 0x1D2C and <= 0x1D6A or 0x1D78 or >= 0x1D9B and <= 0x1DBF or 0x2071 or 0x207F
            or >= 0x2090 and <= 0x209C or >= 0x2160 and <= 0x217F or >= 0x24B6 and <= 0x24E9 or 0x2C7C or 0x2C7D
            or 0xA69C or 0xA69D or 0xA770 or 0xA7F8 or 0xA7F9 or >= 0xAB5C and <= 0xAB5F
            or >= 0x1F130 and <= 0x1F149 or >= 0x1F150 and <= 0x1F169 or >= 0x1F170 and <= 0x1F189;

    /// <summary>Unicode's Case_Ignorable: marks, format characters, modifiers and the in-word
    /// punctuation of word breaking (apostrophes, full stop, colon, middle dot…).</summary>
    private static bool IsCaseIgnorable(Rune r) =>
        r.Value is '\'' or '.' or ':' or 0xB7 or 0x387 or 0x5F4 or 0x2018 or 0x2019 or 0x2024 or 0x2027
            or 0xFE13 or 0xFE52 or 0xFE55 or 0xFF07 or 0xFF0E or 0xFF1A ||
        Rune.GetUnicodeCategory(r) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.Format or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol;
}
