using Easel.Engine.Text;

namespace Easel.Engine.Tests.Text;

public class PromptChunkingTests
{
    private static ClipTokenizer Full => ClipFixtures.Full; // pads with EOS (SD1)
    private static ClipTokenizer Reduced => ClipFixtures.Reduced; // pads with "!" = 0 (SD2/SDXL)

    /// <summary>"cat" is one token in the full vocabulary and "a" one token in both.</summary>
    private static string Words(string word, int count) => string.Join(' ', Enumerable.Repeat(word, count));

    public static TheoryData<string> Vocabularies() => ["full", "reduced"];

    private static ClipTokenizer Pick(string name) => name == "full" ? Full : Reduced;

    [Theory]
    [MemberData(nameof(Vocabularies))]
    public void EmptyPromptIsOneFramedChunk(string vocabulary)
    {
        var tokenizer = Pick(vocabulary);
        var prompt = tokenizer.Tokenize("");
        var chunk = Assert.Single(prompt.Chunks);
        Assert.Equal(0, prompt.TokenCount);
        Assert.False(prompt.Truncated);
        Assert.Equal(tokenizer.BosId, chunk.Ids[0]);
        Assert.Equal(tokenizer.EosId, chunk.Ids[1]);
        Assert.All(chunk.Ids[2..], id => Assert.Equal(tokenizer.PadId, id));
        Assert.All(chunk.Weights, w => Assert.Equal(1f, w));
    }

    [Theory]
    [MemberData(nameof(Vocabularies))]
    public void ShortPromptIsFramedAndPadded(string vocabulary)
    {
        var tokenizer = Pick(vocabulary);
        var ids = tokenizer.EncodeWithoutSpecial("a red circle");
        var chunk = Assert.Single(tokenizer.Tokenize("a red circle").Chunks);
        Assert.Equal(77, chunk.Ids.Length);
        Assert.Equal(77, chunk.Weights.Length);
        Assert.Equal(tokenizer.BosId, chunk.Ids[0]);
        Assert.Equal(ids, chunk.Ids[1..(1 + ids.Count)]);
        Assert.Equal(tokenizer.EosId, chunk.Ids[1 + ids.Count]);
        Assert.All(chunk.Ids[(2 + ids.Count)..], id => Assert.Equal(tokenizer.PadId, id));
    }

    [Fact]
    public void PadStylesDiffer()
    {
        Assert.Equal(49407, Full.Tokenize("a").Chunks[0].Ids[^1]);
        Assert.Equal(0, Reduced.Tokenize("a").Chunks[0].Ids[^1]);
    }

    [Theory]
    [MemberData(nameof(Vocabularies))]
    public void SeventyFiveTokensFillExactlyOneChunk(string vocabulary)
    {
        var tokenizer = Pick(vocabulary);
        var prompt = tokenizer.Tokenize(Words("a", 75));
        Assert.Equal(75, prompt.TokenCount);
        var chunk = Assert.Single(prompt.Chunks);
        Assert.Equal(tokenizer.BosId, chunk.Ids[0]);
        Assert.All(chunk.Ids[1..76], id => Assert.Equal(tokenizer.EncodeWithoutSpecial("a")[0], id));
        Assert.Equal(tokenizer.EosId, chunk.Ids[76]);
    }

    [Theory]
    [MemberData(nameof(Vocabularies))]
    public void SeventySixTokensSpillOneIntoASecondChunk(string vocabulary)
    {
        var tokenizer = Pick(vocabulary);
        int a = tokenizer.EncodeWithoutSpecial("a")[0];
        var prompt = tokenizer.Tokenize(Words("a", 76));
        Assert.Equal(76, prompt.TokenCount);
        Assert.Equal(2, prompt.Chunks.Count);
        Assert.Equal(tokenizer.EosId, prompt.Chunks[0].Ids[76]);
        var second = prompt.Chunks[1].Ids;
        Assert.Equal([tokenizer.BosId, a, tokenizer.EosId], second[..3]);
        Assert.All(second[3..], id => Assert.Equal(tokenizer.PadId, id));
    }

    [Fact]
    public void OneHundredFiftyTokensFillTwoChunks()
    {
        var prompt = Full.Tokenize(Words("cat", 150));
        Assert.Equal(150, prompt.TokenCount);
        Assert.Equal(2, prompt.Chunks.Count);
        Assert.All(prompt.Chunks, c =>
        {
            Assert.Equal(Full.BosId, c.Ids[0]);
            Assert.Equal(Full.EosId, c.Ids[76]);
            Assert.DoesNotContain(Full.EosId, c.Ids[1..76]);
        });
    }

    [Fact]
    public void TokensBeyondMaxChunksAreDroppedAndCounted()
    {
        var prompt = Full.Tokenize(Words("cat", 250), maxChunks: 3);
        Assert.Equal(3, prompt.Chunks.Count);
        Assert.Equal(250, prompt.TokenCount);
        Assert.Equal(25, prompt.DroppedTokens);
        Assert.True(prompt.Truncated);

        var single = Full.Tokenize(Words("cat", 80), maxChunks: 1);
        Assert.Single(single.Chunks);
        Assert.Equal(5, single.DroppedTokens);
        Assert.False(Full.Tokenize(Words("cat", 75), maxChunks: 1).Truncated);
    }

    [Fact]
    public void MaxChunksBelowOneIsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Full.Tokenize("cat", maxChunks: 0));

    [Fact]
    public void WeightsFollowTheirTokens()
    {
        // "a (red) [circle] (masterpiece:1.3)" → a, red, circle, masterpiece…
        string text = "a (red) [circle] (masterpiece:1.3)";
        var chunk = Full.Tokenize(text).Chunks.Single();
        int n = Full.EncodeWithoutSpecial("a red circle masterpiece").Count;
        Assert.Equal(Full.EncodeWithoutSpecial("a red circle masterpiece"), chunk.Ids[1..(n + 1)]);
        Assert.Equal(1f, chunk.Weights[0]); // BOS
        Assert.Equal(1f, chunk.Weights[1]); // a
        Assert.Equal(1.1f, chunk.Weights[2], 5); // red
        Assert.Equal(1 / 1.1f, chunk.Weights[3], 5); // circle
        Assert.All(chunk.Weights[4..(n + 1)], w => Assert.Equal(1.3f, w, 5)); // every masterpiece token
        Assert.All(chunk.Weights[(n + 1)..], w => Assert.Equal(1f, w)); // EOS and pad
    }

    [Fact]
    public void WeightsCarryAcrossChunkBoundaries()
    {
        var prompt = Full.Tokenize(Words("cat", 70) + " (" + Words("dog", 10) + ":1.5)");
        Assert.Equal(2, prompt.Chunks.Count);
        Assert.All(prompt.Chunks[0].Weights[71..76], w => Assert.Equal(1.5f, w, 5));
        Assert.All(prompt.Chunks[1].Weights[1..6], w => Assert.Equal(1.5f, w, 5));
        Assert.Equal(1f, prompt.Chunks[1].Weights[6]); // EOS
    }

    [Fact]
    public void WeightParsingCanBeTurnedOff()
    {
        var literal = Full.Tokenize("(red:1.5)", parseWeights: false).Chunks.Single();
        Assert.Equal(Full.Encode("(red:1.5)"), literal.Ids[..Full.Encode("(red:1.5)").Length]);
        Assert.All(literal.Weights, w => Assert.Equal(1f, w));
    }

    [Theory]
    [MemberData(nameof(Vocabularies))]
    public void PadToChunksAddsEmptyChunks(string vocabulary)
    {
        var tokenizer = Pick(vocabulary);
        var cond = tokenizer.Tokenize(Words("a", 100));
        var uncond = tokenizer.PadToChunks(tokenizer.Tokenize(""), cond.Chunks.Count);
        Assert.Equal(2, uncond.Chunks.Count);
        Assert.Equal(tokenizer.Tokenize("").Chunks[0].Ids, uncond.Chunks[1].Ids);
        Assert.Equal([tokenizer.BosId, tokenizer.EosId, tokenizer.PadId], uncond.Chunks[1].Ids[..3]);
        Assert.All(uncond.Chunks[1].Weights, w => Assert.Equal(1f, w));
        Assert.Equal(0, uncond.TokenCount);

        // Never removes chunks.
        Assert.Same(cond, tokenizer.PadToChunks(cond, 1));
        Assert.Equal(2, tokenizer.PadToChunks(cond, 2).Chunks.Count);
    }
}
