namespace Easel.Engine.Text;

/// <summary>"a" or "an" by the first letter of the next word, so a filled template reads "an orange circle".</summary>
/// <remarks>By spelling, not sound ("an unicorn", "a hour"): slot values are colours, shapes and sizes, where the two agree.</remarks>
public static class IndefiniteArticle
{
    /// <summary>The article for <paramref name="next"/>, in the case of <paramref name="written"/> ("A" stays capital).</summary>
    public static string For(string next, string written = "a")
    {
        string article = next.Length > 0 && "aeiouAEIOU".Contains(next[0], StringComparison.Ordinal) ? "an" : "a";
        return written.Length > 0 && char.IsUpper(written[0]) ? char.ToUpperInvariant(article[0]) + article[1..] : article;
    }
}
