using System.Diagnostics;
using Easel.Engine.Text;
using Xunit.Abstractions;

namespace Easel.Engine.Tests.Text;

public class ClipTokenizerBehaviourTests(ITestOutputHelper output)
{
    private static ClipTokenizer Tokenizer => ClipFixtures.Full;

    [Fact]
    public void SpecialIdsComeFromTheVocabulary()
    {
        Assert.Equal(49406, Tokenizer.BosId);
        Assert.Equal(49407, Tokenizer.EosId);
        Assert.Equal(49407, Tokenizer.PadId); // no config files: CLIP/SD1 style
        Assert.Equal(77, Tokenizer.MaxLength);
        Assert.Equal(75, Tokenizer.ChunkCapacity);
        Assert.Equal(49408, Tokenizer.VocabularySize);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\r\n")]
    public void BlankTextIsBosEos(string text)
    {
        Assert.Equal([49406, 49407], Tokenizer.Encode(text));
        Assert.Empty(Tokenizer.EncodeWithoutSpecial(text));
    }

    [Theory]
    [InlineData("A  RED\tCircle", "a red circle")]
    [InlineData("  leading\u3000and\u00a0trailing  ", "leading and trailing")]
    [InlineData("tom &amp; jerry", "tom & jerry")]
    [InlineData("tom &amp;amp; jerry", "tom & jerry")] // CLIP unescapes twice
    [InlineData("ΟΔΟΣ", "οδος")] // final sigma: Python lowers the last Σ to ς
    public void NormalizationMatchesEquivalentText(string text, string equivalent)
    {
        Assert.Equal(Tokenizer.Encode(equivalent), Tokenizer.Encode(text));
    }

    [Fact]
    public void FinalSigmaDiffersFromMedialSigma()
    {
        // If Σ were lowered to σ everywhere these would be equal.
        Assert.NotEqual(Tokenizer.Encode("οδοσ"), Tokenizer.Encode("ΟΔΟΣ"));
    }

    [Fact]
    public void ContractionsSplitOffTheApostrophe()
    {
        var ids = Tokenizer.EncodeWithoutSpecial("don't");
        Assert.Equal(["don</w>", "'t</w>"], ids.Select(i => Tokenizer.TokenText(i)));
        // An apostrophe not starting a contraction joins the punctuation run.
        Assert.Equal(["'</w>", "quoted</w>", "'</w>"],
            Tokenizer.EncodeWithoutSpecial("'quoted'").Select(i => Tokenizer.TokenText(i)));
    }

    [Fact]
    public void EveryDigitIsItsOwnToken()
    {
        var tokens = Tokenizer.EncodeWithoutSpecial("2026").Select(i => Tokenizer.TokenText(i)!).ToArray();
        Assert.Equal(["2</w>", "0</w>", "2</w>", "6</w>"], tokens);
    }

    [Fact]
    public void AWordOutsideTheVocabularyIsMergedFromSmallerPieces()
    {
        const string word = "zzyzxqwv";
        var ids = Tokenizer.EncodeWithoutSpecial(word);
        Assert.True(ids.Count > 1);
        Assert.True(ids.Count < word.Length); // some merges applied, not just single bytes
        var pieces = ids.Select(i => Tokenizer.TokenText(i)!).ToArray();
        Assert.Equal(word + "</w>", string.Concat(pieces));
        Assert.All(pieces[..^1], p => Assert.DoesNotContain("</w>", p));
        Assert.Equal(word, Tokenizer.Decode(ids));
    }

    [Theory]
    [InlineData("a photo of a cat")]
    [InlineData("café crème brûlée")]
    [InlineData("emoji 🚀🔥 rocket")]
    [InlineData("東京タワー")]
    public void DecodeInvertsEncode(string text)
    {
        Assert.Equal(text, Tokenizer.Decode(Tokenizer.EncodeWithoutSpecial(text)));
    }

    [Fact]
    public void ConcurrentUseGivesTheSameIdsAsSequentialUse()
    {
        var tokenizer = ClipTokenizer.FromFolder(ClipFixtures.FullDirectory); // fresh, empty cache
        var texts = ClipFixtures.ReadCases("reference_ids.json").Concat(ClipFixtures.ReadCases("extra_ids.json")).ToArray();
        var results = new int[texts.Length * 20][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            i => results[i] = tokenizer.Encode(texts[i % texts.Length].Text));
        for (int i = 0; i < results.Length; i++)
            Assert.Equal(texts[i % texts.Length].Ids, results[i]);
    }

    [Fact]
    public void LoadsTheFullVocabularyAndItsMerges()
    {
        // Speed is not asserted here (a loaded machine makes any bound flaky); the load time is logged for reading.
        var watch = Stopwatch.StartNew();
        var tokenizer = ClipTokenizer.FromFolder(ClipFixtures.FullDirectory);
        output.WriteLine($"Loaded the full CLIP vocabulary in {watch.Elapsed.TotalMilliseconds:F0} ms (not asserted)");
        Assert.Equal(49408, tokenizer.VocabularySize);
        Assert.Equal("<|endoftext|>", tokenizer.TokenText(49407));
        // A long common word is one token only when the whole merge list was read.
        Assert.Single(tokenizer.EncodeWithoutSpecial("photograph"));
        Assert.Equal("photograph</w>", tokenizer.TokenText(tokenizer.EncodeWithoutSpecial("photograph")[0]));
    }
}
