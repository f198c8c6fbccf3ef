using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Easel.Engine.Text;

/// <summary>
/// Decodes HTML character references the way Python's <c>html.unescape</c> does (CLIP runs it twice on every
/// prompt): the full HTML5 named set, legacy names without ';' matched as the longest prefix, and the standard's
/// remapping of invalid numeric references. <see cref="System.Net.WebUtility.HtmlDecode(string)"/> knows only the
/// HTML4 names and requires the ';', so its output would give different token ids.
/// </summary>
internal static partial class HtmlCharacterReferences
{
    // A named reference is at most 32 characters before an optional ';'.
    private const int MaxNameLength = 32;

    private static readonly Lazy<FrozenDictionary<string, string>> Named = new(ParseNamed);
    private static readonly Lazy<FrozenDictionary<int, string>> Remapped =
        new(() => RemappedNumericReferences.ToFrozenDictionary(p => p.CodePoint, p => p.Replacement));

    public static string Unescape(string text)
    {
        int amp = text.IndexOf('&');
        if (amp < 0)
            return text;

        var sb = new StringBuilder(text.Length);
        sb.Append(text, 0, amp);
        int i = amp;
        while (i < text.Length)
        {
            if (text[i] != '&')
            {
                sb.Append(text[i++]);
                continue;
            }
            int consumed = TryDecodeAt(text, i + 1, sb);
            if (consumed == 0)
                sb.Append('&');
            i += 1 + consumed;
        }
        return sb.ToString();
    }

    /// <summary>Decodes the reference whose body starts at <paramref name="start"/> (just after '&amp;');
    /// returns how many characters it consumed, 0 when nothing there looks like a reference.</summary>
    private static int TryDecodeAt(string text, int start, StringBuilder sb)
    {
        if (start >= text.Length)
            return 0;
        if (text[start] == '#')
            return TryDecodeNumeric(text, start, sb);

        int end = start;
        while (end < text.Length && end - start < MaxNameLength && !EndsName(text[end]))
            end++;
        if (end == start)
            return 0;
        if (end < text.Length && text[end] == ';')
            end++;

        string body = text[start..end];
        var named = Named.Value;
        if (named.TryGetValue(body, out var whole))
        {
            sb.Append(whole);
            return body.Length;
        }
        // The standard decodes the longest known prefix (at least two characters) and keeps the rest.
        for (int len = body.Length - 1; len >= 2; len--)
        {
            if (named.TryGetValue(body[..len], out var prefix))
            {
                sb.Append(prefix).Append(body, len, body.Length - len);
                return body.Length;
            }
        }
        sb.Append('&').Append(body);
        return body.Length;
    }

    private static bool EndsName(char c) => c is '\t' or '\n' or '\f' or ' ' or '<' or '&' or '#' or ';';

    private static int TryDecodeNumeric(string text, int hashAt, StringBuilder sb)
    {
        int i = hashAt + 1;
        bool hex = i < text.Length && text[i] is 'x' or 'X';
        if (hex)
            i++;
        int digitsStart = i;
        while (i < text.Length && (hex ? char.IsAsciiHexDigit(text[i]) : char.IsAsciiDigit(text[i])))
            i++;
        if (i == digitsStart)
            return 0; // "&#" or "&#x" without digits stays literal
        string digits = text[digitsStart..i];
        if (i < text.Length && text[i] == ';')
            i++;

        sb.Append(ForCodePoint(ParseCodePoint(digits, hex)));
        return i - hashAt;
    }

    /// <summary>The numeric value, or -1 when it is beyond any code point (huge values, any length).</summary>
    private static int ParseCodePoint(string digits, bool hex)
    {
        var style = hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None;
        string trimmed = digits.TrimStart('0');
        if (trimmed.Length == 0)
            return 0;
        if (trimmed.Length > 8 || !long.TryParse(trimmed, style, CultureInfo.InvariantCulture, out long value) ||
            value > 0x10FFFF)
            return -1;
        return (int)value;
    }

    private static string ForCodePoint(int codePoint)
    {
        if (codePoint >= 0 && Remapped.Value.TryGetValue(codePoint, out var replacement))
            return replacement;
        if (codePoint < 0 || codePoint is >= 0xD800 and <= 0xDFFF)
            return "\uFFFD";
        foreach (var (first, last) in DroppedCodePointRanges)
        {
            if (codePoint >= first && codePoint <= last)
                return "";
        }
        return char.ConvertFromUtf32(codePoint);
    }

    private static FrozenDictionary<string, string> ParseNamed()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in NamedReferenceData.Split('\u0001', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = entry.IndexOf('=');
            map[entry[..eq]] = entry[(eq + 1)..];
        }
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
