using Easel.Engine.Text;

namespace Easel.Engine.Tests.Text;

public class PromptWeightingTests
{
    private const float E = 1.1f;

    private static (string, float)[] Parse(string prompt) =>
        PromptWeighting.Parse(prompt).Select(w => (w.Text, w.Weight)).ToArray();

    private static void AssertRuns(string prompt, params (string Text, float Weight)[] expected)
    {
        var actual = Parse(prompt);
        Assert.Equal(expected.Select(e => e.Text), actual.Select(a => a.Item1));
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i].Weight, actual[i].Item2, 5);
    }

    [Fact]
    public void PlainTextIsOneRunOfWeightOne() => AssertRuns("a red circle", ("a red circle", 1f));

    [Fact]
    public void EmptyPromptHasNoRuns() => Assert.Empty(PromptWeighting.Parse(""));

    [Fact]
    public void RoundBracketsMultiplyByOnePointOne() =>
        AssertRuns("a (red) circle", ("a ", 1f), ("red", E), (" circle", 1f));

    [Fact]
    public void NestedRoundBracketsMultiply() =>
        AssertRuns("((red)) (((blue)))", ("red", 1.21f), (" ", 1f), ("blue", 1.331f));

    [Fact]
    public void SquareBracketsDivideByOnePointOne() =>
        AssertRuns("[blurry] photo [[noise]]", ("blurry", 1 / E), (" photo ", 1f), ("noise", 1 / 1.21f));

    [Theory]
    [InlineData("(masterpiece:1.3)", 1.3f)]
    [InlineData("(masterpiece: 0.5 )", 0.5f)]
    [InlineData("(masterpiece:2)", 2f)]
    [InlineData("(masterpiece:.8)", 0.8f)]
    [InlineData("(masterpiece:-1)", -1f)]
    [InlineData("(masterpiece:0)", 0f)]
    public void ExplicitWeightReplacesTheDefaultFactor(string prompt, float weight) =>
        AssertRuns(prompt, ("masterpiece", weight));

    [Fact]
    public void ExplicitWeightsNestAndMultiply() =>
        AssertRuns("((cat:1.5) dog)", ("cat", 1.5f * E), (" dog", E));

    [Fact]
    public void MixedBracketsMultiply() =>
        AssertRuns("([cat])", ("cat", 1f)); // ×1.1 ÷1.1

    [Fact]
    public void AdjacentRunsOfEqualWeightAreMerged() =>
        AssertRuns("(a)(b) c", ("ab", E), (" c", 1f));

    [Fact]
    public void EscapedBracketsAreLiteral() =>
        AssertRuns(@"\(not weighted\) \[nor this\] back\\slash", (@"(not weighted) [nor this] back\slash", 1f));

    [Fact]
    public void EscapesInsideAGroupKeepTheGroupWeight() =>
        AssertRuns(@"(smile \(happy\))", ("smile (happy)", E));

    [Fact]
    public void OtherBackslashesStayLiteral() => AssertRuns(@"C:\path\n", (@"C:\path\n", 1f));

    [Fact]
    public void UnmatchedClosingBracketsAreLiteral() =>
        AssertRuns("a) b] (c)", ("a) b] ", 1f), ("c", E));

    [Fact]
    public void UnclosedGroupsCloseAtTheEnd() =>
        AssertRuns("a (b [c", ("a ", 1f), ("b ", E), ("c", 1f));

    [Theory]
    [InlineData("(a:b)")] // no number
    [InlineData("(a:1.2.3)")] // unparsable number
    [InlineData("(a:1.5")] // no closing bracket after the number
    [InlineData("a:1.5)")] // no open group
    public void ColonsThatAreNotWeightsAreLiteral(string prompt)
    {
        var text = string.Concat(PromptWeighting.Parse(prompt).Select(w => w.Text));
        Assert.Contains(":", text);
        Assert.DoesNotContain(PromptWeighting.Parse(prompt), w => w.Weight is not (1f or E));
    }

    [Fact]
    public void TimeLikeColonsInsideGroupsStayText() =>
        AssertRuns("(sunset at 6:30 pm)", ("sunset at 6:30 pm", E));

    [Theory]
    [InlineData("((((((")]
    [InlineData("]]]]))))")]
    [InlineData("(:)")]
    [InlineData("[(])")]
    [InlineData("\\")]
    [InlineData("(((a:1e5)))")]
    public void MalformedInputNeverThrows(string prompt)
    {
        var runs = PromptWeighting.Parse(prompt);
        Assert.All(runs, r => Assert.True(float.IsFinite(r.Weight)));
        Assert.All(runs, r => Assert.NotEqual("", r.Text));
    }
}
