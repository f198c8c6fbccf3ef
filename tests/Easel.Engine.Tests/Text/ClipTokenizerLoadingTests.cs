using Easel.Engine.Text;

namespace Easel.Engine.Tests.Text;

public class ClipTokenizerLoadingTests
{
    private static readonly string[] VocabAndMerges = ["vocab.json", "merges.txt"];

    private static TempTokenizerFolder Reduced() => new(ClipFixtures.ReducedDirectory, VocabAndMerges);

    [Fact]
    public void MissingVocabNamesTheFile()
    {
        using var folder = new TempTokenizerFolder(ClipFixtures.ReducedDirectory, "merges.txt");
        var e = Assert.Throws<FileNotFoundException>(() => ClipTokenizer.FromFolder(folder.Path));
        Assert.EndsWith("vocab.json", e.FileName);
        Assert.Contains("vocab.json", e.Message);
    }

    [Fact]
    public void MissingMergesNamesTheFile()
    {
        using var folder = new TempTokenizerFolder(ClipFixtures.ReducedDirectory, "vocab.json");
        var e = Assert.Throws<FileNotFoundException>(() => ClipTokenizer.FromFolder(folder.Path));
        Assert.EndsWith("merges.txt", e.FileName);
    }

    [Fact]
    public void MissingFolderIsFileNotFound()
    {
        string path = Path.Combine(Path.GetTempPath(), "easel-no-such-tokenizer-" + Guid.NewGuid().ToString("N"));
        Assert.Throws<FileNotFoundException>(() => ClipTokenizer.FromFolder(path));
    }

    [Theory]
    [InlineData("vocab.json", "{ not json")]
    [InlineData("vocab.json", "[1, 2]")]
    [InlineData("vocab.json", "{\"a\": \"x\"}")]
    [InlineData("vocab.json", "{\"a\": 0, \"<|endoftext|>\": 1}")] // no <|startoftext|>
    [InlineData("vocab.json", "{\"a\": 0, \"b\": 0, \"<|startoftext|>\": 1, \"<|endoftext|>\": 2}")] // shared id
    [InlineData("vocab.json", "{\"a\": -1, \"<|startoftext|>\": 1, \"<|endoftext|>\": 2}")]
    [InlineData("merges.txt", "#version: 0.2\ni n\nthree parts here\n")]
    [InlineData("tokenizer_config.json", "{ \"pad_token\": ")]
    [InlineData("tokenizer_config.json", "{ \"pad_token\": \"not-a-token\" }")]
    [InlineData("tokenizer_config.json", "{ \"pad_token\": 5 }")]
    [InlineData("tokenizer_config.json", "{ \"model_max_length\": \"long\" }")]
    [InlineData("tokenizer_config.json", "{ \"model_max_length\": 2 }")]
    [InlineData("special_tokens_map.json", "[]")]
    public void MalformedFilesAreInvalidDataNamingTheFile(string file, string content)
    {
        using var folder = Reduced();
        folder.Write(file, content);
        var e = Assert.Throws<InvalidDataException>(() => ClipTokenizer.FromFolder(folder.Path));
        Assert.Contains(file, e.Message);
    }

    [Fact]
    public void MalformedMergesLineIsReportedByNumber()
    {
        using var folder = Reduced();
        folder.Write("merges.txt", "#version: 0.2\ni n\nt h\nbroken\n");
        var e = Assert.Throws<InvalidDataException>(() => ClipTokenizer.FromFolder(folder.Path));
        Assert.Contains("line 4", e.Message);
    }

    [Fact]
    public void Sd1ConfigPadsWithEndOfText()
    {
        using var folder = new TempTokenizerFolder(ClipFixtures.FullDirectory, VocabAndMerges);
        folder.Write("tokenizer_config.json", """{ "pad_token": "<|endoftext|>", "model_max_length": 77 }""");
        var tokenizer = ClipTokenizer.FromFolder(folder.Path);
        Assert.Equal(49407, tokenizer.PadId);
        Assert.Equal(tokenizer.EosId, tokenizer.PadId);
    }

    [Fact]
    public void Sd2ConfigPadsWithExclamationMark()
    {
        using var folder = new TempTokenizerFolder(ClipFixtures.FullDirectory, VocabAndMerges);
        folder.Write("tokenizer_config.json", """{ "pad_token": "!", "model_max_length": 77 }""");
        Assert.Equal(0, ClipTokenizer.FromFolder(folder.Path).PadId);
    }

    [Fact]
    public void PadTokenMayBeAnObjectWithContent()
    {
        using var folder = Reduced();
        folder.Write("special_tokens_map.json",
            """{ "pad_token": { "content": "!", "lstrip": false, "normalized": true, "rstrip": false, "single_word": false } }""");
        var tokenizer = ClipTokenizer.FromFolder(folder.Path);
        Assert.Equal(0, tokenizer.PadId);
        Assert.NotEqual(tokenizer.EosId, tokenizer.PadId);
    }

    [Fact]
    public void TokenizerConfigTakesPrecedenceOverSpecialTokensMap()
    {
        using var folder = Reduced();
        folder.Write("special_tokens_map.json", """{ "pad_token": "!" }""");
        folder.Write("tokenizer_config.json", """{ "pad_token": "<|endoftext|>" }""");
        var tokenizer = ClipTokenizer.FromFolder(folder.Path);
        Assert.Equal(tokenizer.EosId, tokenizer.PadId);
    }

    [Fact]
    public void WithoutConfigFilesPadIsEndOfText()
    {
        using var folder = Reduced();
        var tokenizer = ClipTokenizer.FromFolder(folder.Path);
        Assert.Equal(tokenizer.EosId, tokenizer.PadId);
        Assert.Equal(77, tokenizer.MaxLength);
    }

    [Theory]
    [InlineData("1000000000000000019884624838656", 77)] // transformers' "unlimited" sentinel
    [InlineData("77", 77)]
    [InlineData("512", 77)]
    [InlineData("64", 64)]
    [InlineData("null", 77)]
    public void ModelMaxLengthIsCappedAt77(string value, int expected)
    {
        using var folder = Reduced();
        folder.Write("tokenizer_config.json", $$"""{ "model_max_length": {{value}} }""");
        var tokenizer = ClipTokenizer.FromFolder(folder.Path);
        Assert.Equal(expected, tokenizer.MaxLength);
        Assert.All(tokenizer.Tokenize("a photo").Chunks, c => Assert.Equal(expected, c.Ids.Length));
    }

    [Fact]
    public void BosAndEosAreLookedUpByTokenText()
    {
        // A renumbered vocabulary: the special tokens are wherever vocab.json puts them.
        using var folder = new TempTokenizerFolder();
        folder.Write("vocab.json", """{ "a</w>": 0, "<|endoftext|>": 1, "<|startoftext|>": 2 }""");
        folder.Write("merges.txt", "#version: 0.2\n");
        var tokenizer = ClipTokenizer.FromFolder(folder.Path);
        Assert.Equal(2, tokenizer.BosId);
        Assert.Equal(1, tokenizer.EosId);
        Assert.Equal([2, 0, 1], tokenizer.Encode("a"));
    }

    [Fact]
    public void MergesBeyondClipsLimitAreIgnored()
    {
        // CLIP slices its list to 48894 merges; a merge past that point must never apply.
        using var within = Reduced();
        within.Write("merges.txt", "#version: 0.2\na n</w>\n");
        var control = ClipTokenizer.FromFolder(within.Path);
        Assert.Equal(["an</w>"], control.EncodeWithoutSpecial("an").Select(i => control.TokenText(i)));

        using var beyond = Reduced();
        var lines = new List<string> { "#version: 0.2" };
        lines.AddRange(Enumerable.Range(0, 48894).Select(i => $"q{i} z"));
        lines.Add("a n</w>");
        beyond.Write("merges.txt", string.Join('\n', lines) + "\n");
        var tokenizer = ClipTokenizer.FromFolder(beyond.Path);
        Assert.Equal(["a", "n</w>"], tokenizer.EncodeWithoutSpecial("an").Select(i => tokenizer.TokenText(i)));
    }
}
