using System.Text;
using System.Text.Json;
using Easel.Engine.Datasets;
using Easel.Engine.Pipelines;
using Easel.Engine.World;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Engine.Tests.Datasets;

/// <summary>
/// Data sets on the bundled model (64×64, 2 steps): the imagefolder manifest read back as plain JSON Lines, the
/// parameters in each PNG, splits, determinism, resume after a stop, a torn manifest line, an unlisted image and the judge's verdicts.
/// </summary>
public sealed class DatasetTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);
    private readonly TempDir _root = new();
    private readonly EaselEngine _engine;

    public DatasetTests() => _engine = new EaselEngine(new EaselOptions
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

    private DatasetRequest Template(string folder, double validation = 0, int perPrompt = 2) => new()
    {
        OutputDirectory = Path.Combine(_root.Path, folder),
        Base = new GenerateRequest { Prompt = "", Steps = 2, Seed = 100 },
        Template = "a {color} {shape} on a {bg} background",
        Slots = new Dictionary<string, IReadOnlyList<string>> { ["color"] = ["red", "blue"], ["shape"] = ["circle", "square"] },
        Grammar = true, // bg from the grammar; red-on-red and blue-on-blue are left out
        Sample = 3,
        ImagesPerPrompt = perPrompt,
        ValidationFraction = validation,
    };

    /// <summary>metadata.jsonl as plain JSON Lines: one object per non-empty line, no Easel code involved.</summary>
    private static List<JsonElement> ReadManifest(string folder)
    {
        var text = File.ReadAllText(Path.Combine(folder, "metadata.jsonl"), Encoding.UTF8);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
    }

    /// <summary>The PNG's "easel" tEXt chunk as ImageSharp's decoder reads it.</summary>
    private static JsonElement PngParameters(string path)
    {
        var info = Image.Identify(path);
        var text = info.Metadata.GetPngMetadata().TextData.Single(t => t.Keyword == "easel").Value;
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task TheManifestListsEveryImageWithTheParametersItsPngRecords()
    {
        var request = Template("plain");
        var result = await _engine.DatasetAsync(request).WaitAsync(Limit);
        Assert.Equal((6, 6, 0), (result.Total, result.Made, result.Skipped));

        var lines = ReadManifest(request.OutputDirectory);
        Assert.Equal(6, lines.Count);
        Assert.Equal(lines.Count, lines.Select(l => l.GetProperty("file_name").GetString()).Distinct().Count());
        Assert.Equal(Enumerable.Range(100, 6).Select(s => (long)s), lines.Select(l => l.GetProperty("seed").GetInt64()));
        foreach (var line in lines)
        {
            var file = Path.Combine(request.OutputDirectory, line.GetProperty("file_name").GetString()!);
            Assert.True(File.Exists(file), file);
            var png = PngParameters(file);
            Assert.Equal(line.GetProperty("text").GetString(), png.GetProperty("prompt").GetString());
            Assert.Equal(line.GetProperty("seed").GetInt64(), png.GetProperty("seed").GetInt64());
            Assert.Equal(line.GetProperty("steps").GetInt32(), png.GetProperty("steps").GetInt32());
            Assert.Equal(line.GetProperty("guidance").GetDouble(), png.GetProperty("guidance").GetDouble());
            Assert.Equal(line.GetProperty("scheduler").GetString(), png.GetProperty("scheduler").GetString());
            Assert.Equal(line.GetProperty("model").GetString(), png.GetProperty("model").GetString());
            // Slot values are columns, and the grammar's labels agree with them and with the caption.
            var color = line.GetProperty("color").GetString()!;
            var shape = line.GetProperty("shape").GetString()!;
            var bg = line.GetProperty("bg").GetString()!;
            Assert.Equal($"a {color} {shape} on {(bg == "orange" ? "an" : "a")} {bg} background", line.GetProperty("text").GetString());
            Assert.NotEqual(color, bg);
            var obj = Assert.Single(line.GetProperty("objects").EnumerateArray());
            Assert.Equal((shape, color), (obj.GetProperty("shape").GetString(), obj.GetProperty("color").GetString()));
            Assert.Equal(bg, line.GetProperty("background").GetString());
        }
        // Two images per prompt: lines 0/1, 2/3, 4/5 share their text.
        Assert.Equal(3, lines.Select(l => l.GetProperty("text").GetString()).Distinct().Count());
        Assert.Equal(6, Directory.GetFiles(request.OutputDirectory, "*.png").Length);
        Assert.Empty(StorePngs()); // moved, not copied
    }

    [Fact]
    public async Task ASplitPutsTheRoundedShareInValidationAndTheRestInTrain()
    {
        var request = Template("split", validation: 0.3, perPrompt: 3); // 9 images: 3 validation
        var result = await _engine.DatasetAsync(request).WaitAsync(Limit);
        Assert.Equal(3, result.Splits["validation"]);
        Assert.Equal(6, result.Splits["train"]);
        var train = ReadManifest(Path.Combine(request.OutputDirectory, "train"));
        var validation = ReadManifest(Path.Combine(request.OutputDirectory, "validation"));
        Assert.Equal((6, 3), (train.Count, validation.Count));
        Assert.Empty(train.Select(l => l.GetProperty("file_name").GetString()).Intersect(validation.Select(l => l.GetProperty("file_name").GetString())));
        Assert.Equal(6, Directory.GetFiles(Path.Combine(request.OutputDirectory, "train"), "*.png").Length);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(request.OutputDirectory, "validation"), "*.png").Length);
        Assert.Empty(Directory.GetFiles(request.OutputDirectory, "*.png")); // imagefolder: images live in the split folders
    }

    [Fact]
    public async Task TheSameRequestMakesTheSameManifestAndPixels()
    {
        var first = Template("one");
        var second = Template("two");
        await _engine.DatasetAsync(first).WaitAsync(Limit);
        await _engine.DatasetAsync(second).WaitAsync(Limit);
        Assert.Equal(File.ReadAllText(Path.Combine(first.OutputDirectory, "metadata.jsonl")), File.ReadAllText(Path.Combine(second.OutputDirectory, "metadata.jsonl")));
        foreach (var file in Directory.GetFiles(first.OutputDirectory, "*.png"))
        {
            using var a = Image.Load<Rgb24>(file);
            using var b = Image.Load<Rgb24>(Path.Combine(second.OutputDirectory, Path.GetFileName(file)));
            Assert.True(Pixels(a).SequenceEqual(Pixels(b)), Path.GetFileName(file));
        }
    }

    private static byte[] Pixels(Image<Rgb24> image)
    {
        var bytes = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(bytes);
        return bytes;
    }

    [Fact]
    public async Task AStoppedRunResumesWithoutDuplicatesOrGaps()
    {
        var request = Template("resume", perPrompt: 3); // 9 images
        using var stop = new CancellationTokenSource();
        var progress = new StopAt(3, stop);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _engine.DatasetAsync(request, progress, stop.Token).WaitAsync(Limit));
        var partial = ReadManifest(request.OutputDirectory);
        Assert.InRange(partial.Count, 3, 4); // the image in flight when the stop came may finish
        foreach (var line in partial) Assert.True(File.Exists(Path.Combine(request.OutputDirectory, line.GetProperty("file_name").GetString()!)));

        var result = await _engine.DatasetAsync(request).WaitAsync(Limit);
        Assert.Equal(partial.Count, result.Skipped);
        Assert.Equal(9 - partial.Count, result.Made);
        var lines = ReadManifest(request.OutputDirectory);
        Assert.Equal(Enumerable.Range(0, 9).Select(i => $"{i:D6}.png"), lines.Select(l => l.GetProperty("file_name").GetString()).Order(StringComparer.Ordinal));

        // A third run has nothing to do.
        var again = await _engine.DatasetAsync(request).WaitAsync(Limit);
        Assert.Equal((0, 9), (again.Made, again.Skipped));
        Assert.Equal(9, ReadManifest(request.OutputDirectory).Count);
    }

    [Fact]
    public async Task ATornLastLineIsCutAndAnUnlistedImageIsAdoptedNotRemade()
    {
        var request = Template("torn");
        await _engine.DatasetAsync(request).WaitAsync(Limit);
        var manifest = Path.Combine(request.OutputDirectory, "metadata.jsonl");
        var lines = File.ReadAllLines(manifest);
        // A kill after the last image was moved into place but mid-way through its line.
        File.WriteAllText(manifest, string.Join("\n", lines[..^1]) + "\n" + lines[^1][..20]);
        var written = File.GetLastWriteTimeUtc(Path.Combine(request.OutputDirectory, "000005.png"));

        var result = await _engine.DatasetAsync(request).WaitAsync(Limit);
        Assert.Equal((0, 6), (result.Made, result.Skipped));
        Assert.Equal(lines, File.ReadAllLines(manifest));
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(request.OutputDirectory, "000005.png")));
    }

    [Fact]
    public async Task AFolderHoldingAnotherSetIsRefusedNamingTheDifference()
    {
        var request = Template("other");
        await _engine.DatasetAsync(request).WaitAsync(Limit);
        var before = File.ReadAllText(Path.Combine(request.OutputDirectory, "metadata.jsonl"));
        var ex = await Assert.ThrowsAsync<EaselValidationException>(() => _engine.DatasetAsync(request with { Base = request.Base with { Steps = 3 } }).WaitAsync(Limit));
        Assert.Equal("out", ex.Field);
        Assert.Contains("steps: 2 there, 3 now", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(Path.Combine(request.OutputDirectory, "metadata.jsonl")));
    }

    [Fact]
    public void TheArticleBeforeASlotAgreesWithItsValue()
    {
        var request = Template("articles") with
        {
            Template = "A {color} {shape} and an {size} one, on a {bg} background",
            Slots = new Dictionary<string, IReadOnlyList<string>>
            {
                ["color"] = ["orange", "red"],
                ["shape"] = ["circle"],
                ["size"] = ["large", "extra small"],
                ["bg"] = ["white"],
            },
            Grammar = false,
            Sample = null,
            ImagesPerPrompt = 1,
        };
        var texts = DatasetPlanner.Plan(request).Select(i => i.Text).ToList();
        Assert.Equal(
        [
            "An orange circle and a large one, on a white background",
            "An orange circle and an extra small one, on a white background",
            "A red circle and a large one, on a white background",
            "A red circle and an extra small one, on a white background",
        ], texts);
        // Articles that are not right before a slot, and words ending in "a", are left as written.
        var literal = DatasetPlanner.Plan(request with { Template = "a apple, data {color}", Slots = new Dictionary<string, IReadOnlyList<string>> { ["color"] = ["orange"] } });
        Assert.Equal("a apple, data orange", Assert.Single(literal).Text);
    }

    [Theory]
    [InlineData("prompts", "give either a prompt list or a template")]
    [InlineData("images_per_prompt", "outside 1–1000")]
    [InlineData("validation", "outside 0")]
    [InlineData("slots", "{size} has no values")]
    [InlineData("template", "overwrite the manifest's own 'seed' column")]
    [InlineData("steps", "outside the allowed range")]
    [InlineData("judge", "needs grammar")]
    public async Task BadRequestsFailBeforeAnyFileIsWritten(string field, string message)
    {
        var good = Template("bad") with { Grammar = false, Slots = new Dictionary<string, IReadOnlyList<string>> { ["color"] = ["red"], ["shape"] = ["circle"], ["bg"] = ["white"] } };
        var request = field switch
        {
            "prompts" => good with { Prompts = ["a cat"] },
            "images_per_prompt" => good with { ImagesPerPrompt = 0 },
            "validation" => good with { ValidationFraction = 1 },
            "slots" => good with { Template = "a {size} {color} {shape} on a {bg} background" },
            "template" => good with { Template = "a {color} {shape} on a {bg} {seed}" },
            "judge" => good with { Judge = true },
            _ => good with { Base = good.Base with { Steps = 0 } },
        };
        var ex = await Assert.ThrowsAsync<EaselValidationException>(() => _engine.DatasetAsync(request).WaitAsync(Limit));
        Assert.Equal(field, ex.Field);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(request.OutputDirectory));
    }

    // judge: a verdict on every manifest line, equal to judging the saved PNG independently against the line's own
    // labels; the option is part of the set's settings on resume.
    private DatasetRequest Judged(string folder, bool judge = true) => new()
    {
        OutputDirectory = Path.Combine(_root.Path, folder),
        Base = new GenerateRequest { Prompt = "", Steps = 8, Seed = 7 },
        Grammar = true,
        Judge = judge,
        Sample = 6,
    };

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

    /// <summary>Engine outputs not (yet) moved into a data set.</summary>
    private string[] StorePngs()
    {
        var store = Path.Combine(_root.Path, "store");
        return Directory.Exists(store) ? Directory.GetFiles(store, "*.png") : [];
    }

    private EaselEngine TwoWorkerEngine() => new(new EaselOptions
    {
        ModelsPath = RepoPaths.FixtureModels,
        DefaultModel = "easel-shapes",
        OutputDirectory = Path.Combine(_root.Path, "store"),
        ExecutionProvider = "cpu",
        MaxConcurrentGenerations = 2,
    });

    [Fact]
    public async Task WithTwoWorkersTwoItemsDenoiseAtOnceAndTheManifestKeepsThePlanOrder()
    {
        using var engine = TwoWorkerEngine();
        // The first two UNet calls wait for each other: only two items in flight at the same time can meet.
        using var bothIn = new CountdownEvent(2);
        int calls = 0, met = 0;
        engine.BeforeUnetCall = (_, ct) =>
        {
            if (Interlocked.Increment(ref calls) > 2) return;
            bothIn.Signal();
            if (bothIn.Wait(TimeSpan.FromMinutes(2), ct)) Interlocked.Increment(ref met);
        };
        var request = Template("parallel");
        var result = await engine.DatasetAsync(request).WaitAsync(Limit);
        Assert.True(met == 2, "the first UNet call waited 2 minutes for another item's: only one item was denoising at a time");
        Assert.Equal((6, 6), (result.Total, result.Made));

        // The same lines, in the same order, as one worker writes them.
        var sequential = Template("sequential");
        await _engine.DatasetAsync(sequential).WaitAsync(Limit);
        Assert.Equal(File.ReadAllText(Path.Combine(sequential.OutputDirectory, "metadata.jsonl")), File.ReadAllText(Path.Combine(request.OutputDirectory, "metadata.jsonl")));
        Assert.Empty(StorePngs());
    }

    [Fact]
    public async Task AStoppedParallelRunListsOnlyWholeItemsAndLeavesNoUnlistedImageBehind()
    {
        using var engine = TwoWorkerEngine();
        var request = Template("parallel-stop", perPrompt: 3); // 9 images
        using var stop = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.DatasetAsync(request, new StopAt(3, stop), stop.Token).WaitAsync(Limit));
        var partial = ReadManifest(request.OutputDirectory);
        Assert.Equal(Enumerable.Range(0, partial.Count).Select(i => $"{i:D6}.png"), partial.Select(l => l.GetProperty("file_name").GetString()));
        Assert.Equal(partial.Count, Directory.GetFiles(request.OutputDirectory, "*.png", SearchOption.AllDirectories).Length);
        Assert.Empty(StorePngs()); // the item that finished unlisted was removed

        var result = await engine.DatasetAsync(request).WaitAsync(Limit);
        Assert.Equal((9 - partial.Count, partial.Count), (result.Made, result.Skipped));
        Assert.Equal(9, ReadManifest(request.OutputDirectory).Count);
    }

    /// <summary>Cancels once <see cref="DatasetProgress.Done"/> reaches a count (reported on the engine's thread).</summary>
    private sealed class StopAt(int done, CancellationTokenSource stop) : IProgress<DatasetProgress>
    {
        public void Report(DatasetProgress value)
        {
            if (value.Done >= done) stop.Cancel();
        }
    }
}
