using System.Diagnostics;
using System.Globalization;
using Easel.Engine.Imaging;
using Easel.Engine.Pipelines;
using Easel.Engine.Vocabulary;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Engine.Grids;

/// <summary>
/// Plans a grid (every cell resolved and checked before any work, errors naming the axis), runs the cells one by
/// one through the engine's ordinary generate/restyle path, then draws and saves the contact sheet.
/// </summary>
internal static class GridRunner
{
    private sealed record PlannedCell(int Column, int Row, GenerateRequest Request, double? Strength, int Steps, int Width, int Height);

    public static async Task<GridResult> RunAsync(EaselEngine engine, GridRequest request, IProgress<GridProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var (cells, layout) = Plan(engine, request);
        engine.Store.EnsureWritable();
        int total = cells.Sum(c => c.Steps), done = 0;
        var results = new List<GridCell>();
        var warnings = new List<string>();
        for (int i = 0; i < cells.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var cell = cells[i];
            int before = done, index = i;
            var relay = progress is null ? null : new Progress(p =>
            {
                if (p.Stage == "denoising")
                    progress.Report(new GridProgress(index, cells.Count, p.Step, p.Steps, before + Math.Min(p.Step, cell.Steps), total));
            });
            var result = request.Image is { } image
                ? await engine.RestyleAsync(new EditRequest { Generation = cell.Request, Image = image, Strength = cell.Strength, Resize = request.Resize }, relay, ct).ConfigureAwait(false)
                : await engine.GenerateAsync(cell.Request, relay, ct).ConfigureAwait(false);
            done += cell.Steps;
            progress?.Report(new GridProgress(i, cells.Count, cell.Steps, cell.Steps, done, total));
            warnings.AddRange(result.Warnings.Where(w => !warnings.Contains(w)));
            results.Add(new GridCell(cell.Column, cell.Row, request.X.Values[cell.Column], request.Y?.Values[cell.Row], result.Images[0]));
        }

        // img2img cells take the source's size, known only now: lay out for the largest cell.
        int width = results.Max(c => c.Image.Width), height = results.Max(c => c.Image.Height);
        if (width != layout.CellWidth || height != layout.CellHeight)
            layout = CheckedLayout(request, width, height);
        var images = results.Select(c => Image.Load<Rgb24>(c.Image.Path)).ToList();
        byte[] png;
        try
        {
            using var sheet = ContactSheet.Render(layout, images);
            var first = results[0].Image.Metadata;
            var metadata = first with
            {
                Operation = "grid",
                Width = layout.Width,
                Height = layout.Height,
                Extra = Describe(request),
            };
            png = PngCodec.Encode(sheet, metadata);
        }
        finally
        {
            foreach (var image in images) image.Dispose();
        }
        var stored = engine.Store.Save(png, results[0].Image.Seed);
        return new GridResult(request.X, request.Y, results, stored, layout.Width, layout.Height, warnings, clock.Elapsed);
    }

    private sealed class Progress(Action<GenerationProgress> report) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value) => report(value);
    }

    /// <summary>The axes as the sheet's PNG records them (axis name → values).</summary>
    private static Dictionary<string, string> Describe(GridRequest request)
    {
        var extra = new Dictionary<string, string> { ["grid_x"] = $"{request.X.Name}: {string.Join(", ", request.X.Values)}" };
        if (request.Y is { } y) extra["grid_y"] = $"{y.Name}: {string.Join(", ", y.Values)}";
        return extra;
    }

    private static (List<PlannedCell> Cells, ContactSheetLayout Layout) Plan(EaselEngine engine, GridRequest request)
    {
        CheckAxis(request.X, "x_axis", request);
        if (request.Y is { } y)
        {
            CheckAxis(y, "y_axis", request);
            if (y.Kind == request.X.Kind)
                throw new EaselValidationException("y_axis", $"varies {y.Name} like x_axis; give two different axes, or put every value on one axis.");
        }
        int columns = request.X.Values.Count, rows = request.Y?.Values.Count ?? 1;
        if (columns * rows > EaselLimits.MaxGridCells)
            throw new EaselValidationException(request.Y is null ? "x_axis" : "y_axis",
                $"{columns} x {rows} = {columns * rows} cells; a grid has at most {EaselLimits.MaxGridCells} (x_axis {request.X.Name}: {columns} values{(request.Y is { } yy ? $", y_axis {yy.Name}: {rows} values" : "")}).");
        if (request.Strength is not null && request.Image is null)
            throw new EaselValidationException("strength", "is for img2img grids; give the source image too.");
        if (request.Base.Count != 1)
            throw new EaselValidationException("count", "a grid makes one image per cell; vary the seed with a seed axis instead of count.");

        // One seed for the whole grid unless the seed is an axis, so cells differ only in what the axes vary.
        var seed = request.Base.Seed ?? Random.Shared.NextInt64(0, 1L << 32);
        var cells = new List<PlannedCell>();
        for (int row = 0; row < rows; row++)
            for (int column = 0; column < columns; column++)
            {
                var cell = request.Base with { Seed = seed };
                double? strength = request.Strength;
                (cell, strength) = Apply(request.X, column, "x_axis", cell, strength);
                if (request.Y is { } axis) (cell, strength) = Apply(axis, row, "y_axis", cell, strength);
                var resolved = Resolve(engine, cell, request, column, row);
                int steps = request.Image is null ? resolved.Steps : Math.Max(1, (int)(resolved.Steps * (strength ?? 0.75)));
                cells.Add(new PlannedCell(column, row, cell, strength, steps, resolved.Width, resolved.Height));
            }
        var layout = CheckedLayout(request, cells.Max(c => c.Width), cells.Max(c => c.Height));
        return (cells, layout);
    }

    private static ContactSheetLayout CheckedLayout(GridRequest request, int width, int height)
    {
        var layout = new ContactSheetLayout(request.X, request.Y, width, height);
        if (layout.Pixels > EaselLimits.MaxGridSheetPixels)
            throw new EaselValidationException(request.Y is null ? "x_axis" : "y_axis",
                $"the contact sheet would be {layout.Width}x{layout.Height} = {layout.Pixels:N0} pixels; at most {EaselLimits.MaxGridSheetPixels:N0}. Use fewer cells or a smaller width/height.");
        return layout;
    }

    private static ResolvedRequest Resolve(EaselEngine engine, GenerateRequest cell, GridRequest request, int column, int row)
    {
        try
        {
            engine.PromptPolicy.Check(cell.Prompt, cell.NegativePrompt);
            return RequestResolver.Resolve(cell, engine.Models);
        }
        catch (EaselException ex)
        {
            // Name the axis whose value made the cell invalid, when one did (a missing model is not a field error).
            var field = (ex as EaselValidationException)?.Field ?? "model";
            string? axis = Blame(request.X, field) ? "x_axis" : request.Y is { } y && Blame(y, field) ? "y_axis" : null;
            if (axis is null) throw;
            var (name, value) = axis == "x_axis" ? (request.X.Name, request.X.Values[column]) : (request.Y!.Name, request.Y.Values[row]);
            throw new EaselValidationException(axis, $"{name} value '{value}': {ex.Message}");
        }
    }

    private static bool Blame(GridAxis axis, string field) => (axis.Kind, field) switch
    {
        (GridAxisKind.Steps, "steps") or (GridAxisKind.Guidance, "guidance") or (GridAxisKind.Scheduler, "scheduler")
            or (GridAxisKind.Model, "model") or (GridAxisKind.Seed, "seed") or (GridAxisKind.Prompt, "prompt") => true,
        (GridAxisKind.Model, _) => true, // a model sets the defaults every other field is checked against
        _ => false,
    };

    private static void CheckAxis(GridAxis axis, string field, GridRequest request)
    {
        if (axis.Values.Count == 0)
            throw new EaselValidationException(field, $"{axis.Name} has no values; give at least one (for example {axis.Name}={Example(axis.Kind)}).");
        if (axis.Kind == GridAxisKind.Strength && request.Image is null)
            throw new EaselValidationException(field, "a strength axis needs a source image (strength is how far img2img moves from it).");
        if (axis.Kind == GridAxisKind.Prompt && !request.Base.Prompt.Contains(axis.Values[0], StringComparison.Ordinal))
            throw new EaselValidationException(field, $"prompt S/R replaces its first value, '{axis.Values[0]}', which does not occur in the prompt.");
        var duplicate = axis.Values.GroupBy(v => v, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new EaselValidationException(field, $"{axis.Name} value '{duplicate.Key}' appears twice.");
    }

    private static string Example(GridAxisKind kind) => kind switch
    {
        GridAxisKind.Seed => "1,2,3",
        GridAxisKind.Guidance => "3,5,7.5",
        GridAxisKind.Steps => "10,20,30",
        GridAxisKind.Scheduler => "ddim,euler,dpmpp_2m",
        GridAxisKind.Strength => "0.3,0.5,0.7",
        GridAxisKind.Prompt => "red,blue,green",
        _ => "NAME1,NAME2",
    };

    private static (GenerateRequest, double?) Apply(GridAxis axis, int index, string field, GenerateRequest cell, double? strength)
    {
        var value = axis.Values[index];
        var inv = CultureInfo.InvariantCulture;
        switch (axis.Kind)
        {
            case GridAxisKind.Seed:
                if (!long.TryParse(value, NumberStyles.Integer, inv, out var seed) || seed < 0)
                    throw new EaselValidationException(field, $"seed value '{value}' is not a whole number 0 or more.");
                return (cell with { Seed = seed }, strength);
            case GridAxisKind.Guidance:
                return (cell with { Guidance = Number(value, field, "guidance", 0, EaselLimits.MaxGuidance) }, strength);
            case GridAxisKind.Steps:
                if (!int.TryParse(value, NumberStyles.Integer, inv, out var steps) || steps < 1 || steps > EaselLimits.MaxSteps)
                    throw new EaselValidationException(field, $"steps value '{value}' is not a whole number in 1–{EaselLimits.MaxSteps}.");
                return (cell with { Steps = steps }, strength);
            case GridAxisKind.Scheduler:
                return (cell with { Scheduler = value }, strength);
            case GridAxisKind.Strength:
                return (cell, Number(value, field, "strength", 0, 1));
            case GridAxisKind.Prompt:
                return (cell with { Prompt = cell.Prompt.Replace(axis.Values[0], value, StringComparison.Ordinal) }, strength);
            default:
                return (cell with { Model = value }, strength);
        }
    }

    private static double Number(string value, string field, string name, double min, double max) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d >= min && d <= max
            ? d : throw new EaselValidationException(field, $"{name} value '{value}' is not a number in {min.ToString(CultureInfo.InvariantCulture)}–{max.ToString(CultureInfo.InvariantCulture)}.");
}
