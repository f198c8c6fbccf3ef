using Easel.Engine.Grids;
using Easel.Engine.Imaging;
using Easel.Engine.Pipelines;
using Easel.Engine.Vocabulary;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Engine.Tests.Grids;

/// <summary>Grids on the bundled model (64×64, a few steps): cells, seeds, sheet, progress, limits and bad axes.</summary>
public sealed class GridEngineTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);
    private readonly TempDir _output = new();
    private readonly EaselEngine _engine;

    public GridEngineTests() => _engine = new EaselEngine(new EaselOptions
    {
        ModelsPath = RepoPaths.FixtureModels,
        DefaultModel = "easel-shapes",
        OutputDirectory = _output.Path,
        ExecutionProvider = "cpu",
    });

    public void Dispose()
    {
        _engine.Dispose();
        _output.Dispose();
    }

    private static GenerateRequest Base(int steps = 2) => new() { Prompt = "a red circle on a white background", Steps = steps, Seed = 5 };

    [Fact]
    public async Task CellsAreRowMajorShareTheSeedAlongARowAndCarryTheirAxisValues()
    {
        var progress = new List<GridProgress>();
        var request = new GridRequest
        {
            Base = Base() with { Seed = null },
            X = GridAxis.Parse("guidance=1,4,7.5", "x_axis"),
            Y = GridAxis.Parse("steps=1,2", "y_axis"),
        };
        var result = await _engine.GridAsync(request, new Collect(progress)).WaitAsync(Limit);

        Assert.Equal((3, 2), (result.Columns, result.Rows));
        Assert.Equal(6, result.Cells.Count);
        Assert.Equal([(0, 0), (1, 0), (2, 0), (0, 1), (1, 1), (2, 1)], result.Cells.Select(c => (c.Column, c.Row)));
        Assert.Single(result.Cells.Select(c => c.Image.Seed).Distinct()); // one drawn seed for the whole grid
        foreach (var cell in result.Cells)
        {
            var metadata = PngCodec.ReadMetadata(File.ReadAllBytes(cell.Image.Path))!;
            Assert.Equal(double.Parse(request.X.Values[cell.Column], System.Globalization.CultureInfo.InvariantCulture), metadata.Guidance);
            Assert.Equal(int.Parse(request.Y!.Values[cell.Row], System.Globalization.CultureInfo.InvariantCulture), metadata.Steps);
        }

        // The sheet holds each cell's pixels where the layout puts it.
        var layout = new ContactSheetLayout(request.X, request.Y, 64, 64);
        using var sheet = Image.Load<Rgb24>(result.Sheet.Path);
        Assert.Equal((layout.Width, layout.Height), (sheet.Width, sheet.Height));
        foreach (var cell in result.Cells)
        {
            using var image = Image.Load<Rgb24>(cell.Image.Path);
            var (x, y) = layout.Cell(cell.Column, cell.Row);
            Assert.Equal(image[10, 20], sheet[x + 10, y + 20]);
            Assert.Equal(image[40, 50], sheet[x + 40, y + 50]);
        }
        Assert.Equal("grid", PngCodec.ReadMetadata(File.ReadAllBytes(result.Sheet.Path))!.Operation);

        // Progress counts cells and steps over the whole grid: 3 × (1 + 2) steps.
        Assert.Equal(9, progress[^1].TotalSteps);
        Assert.Equal(9, progress[^1].CompletedSteps);
        Assert.Equal(Enumerable.Range(0, 6), progress.Select(p => p.Cell).Distinct());
        Assert.True(progress.Zip(progress.Skip(1)).All(p => p.Second.CompletedSteps >= p.First.CompletedSteps), "progress went backwards");
    }

    [Fact]
    public async Task ASeedAxisGivesEachColumnItsSeedAndAPromptAxisReplacesTheWord()
    {
        var result = await _engine.GridAsync(new GridRequest
        {
            Base = Base(1),
            X = GridAxis.Parse("seed=3,9", "x_axis"),
            Y = GridAxis.Parse("prompt=red,blue", "y_axis"),
        }).WaitAsync(Limit);
        Assert.Equal([3L, 9L, 3L, 9L], result.Cells.Select(c => c.Image.Seed));
        Assert.Equal(["a red circle on a white background", "a blue circle on a white background"],
            result.Cells.Where(c => c.Column == 0).Select(c => c.Image.Metadata.Prompt));
        Assert.Equal(5, Directory.GetFiles(_output.Path, "*.png").Length); // 4 cells and the sheet
    }

    [Theory]
    [InlineData("color=red,blue", null, "x_axis", "not an axis")]
    [InlineData("steps=2,0", null, "x_axis", "steps value '0'")]
    [InlineData("guidance=5,abc", null, "x_axis", "guidance value 'abc'")]
    [InlineData("scheduler=ddim,nope", null, "x_axis", "scheduler value 'nope'")]
    [InlineData("model=easel-shapes,missing-model", null, "x_axis", "model value 'missing-model'")]
    [InlineData("strength=0.3,0.6", null, "x_axis", "needs a source image")]
    [InlineData("prompt=green,blue", null, "x_axis", "'green', which does not occur")]
    [InlineData("seed=1,2", "seed=3,4", "y_axis", "like x_axis")]
    [InlineData("seed=1,1", null, "x_axis", "appears twice")]
    [InlineData("seed=", null, "x_axis", "no values")]
    [InlineData("seed=1,2,3,4,5,6,7,8,9", "steps=1,2,3,4,5,6,7,8", "y_axis", "72 cells; a grid has at most 64")]
    public async Task BadAxesFailUpFrontNamingTheAxisAndWriteNothing(string x, string? y, string field, string message)
    {
        var ex = await Assert.ThrowsAnyAsync<EaselException>(() => _engine.GridAsync(new GridRequest
        {
            Base = Base(),
            X = GridAxis.Parse(x, "x_axis"),
            Y = y is null ? null : GridAxis.Parse(y, "y_axis"),
        }).WaitAsync(Limit));
        var validation = Assert.IsType<EaselValidationException>(ex);
        Assert.Equal(field, validation.Field);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(_output.Path) ? Directory.GetFiles(_output.Path, "*.png") : []);
    }

    [Fact]
    public async Task ASheetOverThePixelCapIsRefusedBeforeAnyCell()
    {
        var ex = await Assert.ThrowsAsync<EaselValidationException>(() => _engine.GridAsync(new GridRequest
        {
            Base = Base() with { Width = 2048, Height = 2048 },
            X = GridAxis.Parse("seed=1,2,3,4", "x_axis"),
            Y = GridAxis.Parse("guidance=1,2", "y_axis"),
        }).WaitAsync(Limit));
        Assert.Equal("y_axis", ex.Field);
        Assert.Contains($"at most {EaselLimits.MaxGridSheetPixels:N0}", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_output.Path, "*.png"));
    }

    [Fact]
    public async Task ACancelledGridKeepsTheCellsItSavedAndWritesNoSheet()
    {
        using var stop = new CancellationTokenSource();
        var request = new GridRequest { Base = Base(), X = GridAxis.Parse("seed=1,2,3,4", "x_axis") };
        // Cancelled at the third cell's first step report: it stops unsaved, the two before it are kept.
        var progress = new CancelWhen(p => p.Cell == 2, stop);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _engine.GridAsync(request, progress, stop.Token).WaitAsync(Limit));

        var saved = Directory.GetFiles(_output.Path, "*.png").Select(p => PngCodec.ReadMetadata(File.ReadAllBytes(p))!).ToList();
        Assert.Equal([1L, 2L], saved.Select(m => m.Seed).Order());
        Assert.DoesNotContain(saved, m => m.Operation == "grid"); // the two cells, no contact sheet
    }

    private sealed class CancelWhen(Func<GridProgress, bool> condition, CancellationTokenSource stop) : IProgress<GridProgress>
    {
        public void Report(GridProgress value)
        {
            if (condition(value)) stop.Cancel();
        }
    }

    private sealed class Collect(List<GridProgress> into) : IProgress<GridProgress>
    {
        public void Report(GridProgress value)
        {
            lock (into) into.Add(value);
        }
    }
}
