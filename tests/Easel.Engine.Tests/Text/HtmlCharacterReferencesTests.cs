using Easel.Engine.Text;

namespace Easel.Engine.Tests.Text;

/// <summary>Expected values are Python 3's html.unescape output for the same input.</summary>
public class HtmlCharacterReferencesTests
{
    [Theory]
    [InlineData("no references", "no references")]
    [InlineData("tom &amp; jerry", "tom & jerry")]
    [InlineData("&lt;3 &gt;", "<3 >")]
    [InlineData("&amp;amp;", "&amp;")]
    [InlineData("&amp;lt;", "&lt;")]
    [InlineData("&copy 2024", "\u00a9 2024")] // legacy name without ';'
    [InlineData("&notit;", "\u00acit;")] // longest known prefix
    [InlineData("&notin;", "\u2209")]
    [InlineData("&ampfoo", "&foo")]
    [InlineData("&AMP", "&")]
    [InlineData("&hellip;", "\u2026")]
    [InlineData("&fjlig;", "fj")] // HTML5-only, two characters
    [InlineData("&NotNestedGreaterGreater;", "\u2aa2\u0338")]
    [InlineData("&Tab;x", "\tx")]
    [InlineData("&bogus;", "&bogus;")]
    [InlineData("R&D", "R&D")]
    [InlineData("&", "&")]
    [InlineData("a & b", "a & b")]
    [InlineData("&#65;&#x42;&#X43", "ABC")]
    [InlineData("&#0;", "\ufffd")]
    [InlineData("&#128;", "\u20ac")] // windows-1252 remapping
    [InlineData("&#x81;", "\u0081")]
    [InlineData("&#13;", "\r")]
    [InlineData("&#1;", "")] // dropped control character
    [InlineData("&#xD800;", "\ufffd")]
    [InlineData("&#99999999999999;", "\ufffd")]
    [InlineData("&#x110000;", "\ufffd")]
    [InlineData("&#x1F680;", "\ud83d\ude80")]
    [InlineData("&#", "&#")]
    [InlineData("&#x;", "&#x;")]
    [InlineData("&#xyz", "&#xyz")]
    public void MatchesPythonHtmlUnescape(string input, string expected)
    {
        Assert.Equal(expected, HtmlCharacterReferences.Unescape(input));
    }
}
