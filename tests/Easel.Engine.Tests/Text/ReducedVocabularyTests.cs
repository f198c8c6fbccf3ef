using Easel.Engine.Text;

namespace Easel.Engine.Tests.Text;

/// <summary>The reduced vocabulary of make_vocab.py: same format, 174 merges, renumbered ids, pad "!".</summary>
public class ReducedVocabularyTests
{
    private static ClipTokenizer Reduced => ClipFixtures.Reduced;
    private static ClipTokenizer Full => ClipFixtures.Full;

    [Fact]
    public void SpecialIdsAreRenumbered()
    {
        Assert.Equal(688, Reduced.VocabularySize);
        Assert.Equal(686, Reduced.BosId);
        Assert.Equal(687, Reduced.EosId);
        Assert.Equal(0, Reduced.PadId); // "!" from the SD2-style config
        Assert.Equal("<|startoftext|>", Reduced.TokenText(Reduced.BosId));
    }

    [Theory]
    [InlineData("a photo of a red circle on the left")]
    [InlineData("a picture of two big black shapes against a white background")]
    [InlineData("a little blue triangle at the top right")]
    public void KnownWordsSegmentExactlyAsInFullClip(string text)
    {
        var reduced = Tokens(Reduced, text);
        Assert.Equal(Tokens(Full, text), reduced);
        Assert.NotEqual(Full.EncodeWithoutSpecial(text), Reduced.EncodeWithoutSpecial(text)); // ids differ
    }

    [Theory]
    [InlineData("xylophone quantum chromodynamics")]
    [InlineData("東京 🚀 café ½")]
    [InlineData("supercalifragilisticexpialidocious !!")]
    public void UnknownWordsFallBackToByteSymbols(string text)
    {
        var ids = Reduced.EncodeWithoutSpecial(text);
        Assert.All(ids, id => Assert.InRange(id, 0, Reduced.VocabularySize - 1));
        Assert.DoesNotContain(Reduced.EosId, ids); // never the unknown token
        Assert.Equal(text, Reduced.Decode(ids));
        // Without the full merge list these words need more, smaller pieces.
        Assert.True(ids.Count > Full.EncodeWithoutSpecial(text).Count);
    }

    [Fact]
    public void ChunksUseTheExclamationPad()
    {
        var chunk = Reduced.Tokenize("a red circle").Chunks.Single();
        Assert.Equal(Reduced.BosId, chunk.Ids[0]);
        Assert.Equal(Reduced.EosId, chunk.Ids[4]);
        Assert.All(chunk.Ids[5..], id => Assert.Equal(0, id));
    }

    private static string?[] Tokens(ClipTokenizer tokenizer, string text) =>
        tokenizer.EncodeWithoutSpecial(text).Select(tokenizer.TokenText).ToArray();
}
