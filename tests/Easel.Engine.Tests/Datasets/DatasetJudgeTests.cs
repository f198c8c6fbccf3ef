using System.Text;
using System.Text.Json;
using Easel.Engine.Datasets;
using Easel.Engine.Pipelines;
using Easel.Engine.World;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Engine.Tests.Datasets;

/// <summary>
/// <c>judge</c> on a grammar data set of the bundled model: a verdict on every manifest line, equal to judging the
/// saved PNG independently against the line's own labels; the option is part of the set's settings on resume.
/// </summary>
public sealed class DatasetJudgeTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);
    private readonly TempDir _root = new();
    private readonly EaselEngine _engine;

    public DatasetJudgeTests() => _engine = new EaselEngine(new EaselOptions
    {
        ModelsPath = RepoPaths.FixtureModels,
        DefaultModel = "easel-shapes",
        OutputDirectory = Path.Combine(_root.Path, "store"),
        ExecutionProvider = "cpu",
    });

    public void Dispose()
    {
        _engine.Dispose();
        _root.Dispose();
    }

    private DatasetRequest Judged(string folder, bool judge = true) => new()
    {
        OutputDirectory = Path.Combine(_root.Path, folder),
        Base = new GenerateRequest { Prompt = "", Steps = 8, Seed = 7 },
        Grammar = true,
        Judge = judge,
        Sample = 6,
    };

    private static List<JsonElement> ReadManifest(string folder) =>
        File.ReadAllText(Path.Combine(folder, "metadata.jsonl"), Encoding.UTF8)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    [Fact]
    public async Task EveryLineCarriesTheVerdictOfJudgingItsSavedPng()
    {
        var request = Judged("judged");
        await _engine.DatasetAsync(request).WaitAsync(Limit);
        var lines = ReadManifest(request.OutputDirectory);
        Assert.Equal(6, lines.Count);
        var grammar = WorldGrammar.Load();
        var judge = new WorldJudge(grammar);
        foreach (var line in lines)
        {
            using var image = Image.Load<Rgb24>(Path.Combine(request.OutputDirectory, line.GetProperty("file_name").GetString()!));
            var judgement = judge.Judge(image);
            var labels = new SceneLabels(
                line.GetProperty("objects").EnumerateArray().Select(o => new SceneObjectLabel(
                    o.GetProperty("shape").GetString(), o.GetProperty("color").GetString(),
                    o.GetProperty("size").GetString(), o.GetProperty("position").GetString())).ToList(),
                line.GetProperty("background").GetString());
            Assert.Equal(WorldGrade.Passes(grammar, labels, judgement), line.GetProperty("judge_pass").GetBoolean());
            Assert.Equal(judgement.ToString(), line.GetProperty("judge_details").GetString());
        }
    }

    [Fact]
    public async Task WithoutTheOptionNoVerdictIsWritten()
    {
        var request = Judged("plain", judge: false) with { Sample = 1 };
        await _engine.DatasetAsync(request).WaitAsync(Limit);
        var line = Assert.Single(ReadManifest(request.OutputDirectory));
        Assert.True(line.TryGetProperty("objects", out _));
        Assert.False(line.TryGetProperty("judge_pass", out _));
        Assert.False(line.TryGetProperty("judge_details", out _));
    }

    [Theory]
    [InlineData(false, true, "judge: unset there, true now")]
    [InlineData(true, false, "judge: true there, unset now")]
    public async Task ResumingWithTheOtherJudgeSettingIsRefused(bool first, bool second, string message)
    {
        var request = Judged("resume", first) with { Sample = 1 };
        await _engine.DatasetAsync(request).WaitAsync(Limit);
        var before = File.ReadAllText(Path.Combine(request.OutputDirectory, "metadata.jsonl"));
        var ex = await Assert.ThrowsAsync<EaselValidationException>(() => _engine.DatasetAsync(request with { Judge = second }).WaitAsync(Limit));
        Assert.Equal("out", ex.Field);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(Path.Combine(request.OutputDirectory, "metadata.jsonl")));
    }
}
