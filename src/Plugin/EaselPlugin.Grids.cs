using System.ComponentModel;
using Easel.Engine;
using Easel.Engine.Datasets;
using Easel.Engine.Grids;
using Easel.Engine.Pipelines;
using Easel.Engine.Vocabulary;
using Microsoft.SemanticKernel;

namespace Easel.Plugin;

// X/Y grids and synthetic data sets: the same engine calls as `easel grid` / `easel dataset` and the MCP tools.
public sealed partial class EaselPlugin
{
    private const string AxisArgument = "What to vary: seed, guidance, steps, scheduler, prompt (search/replace: the first value must occur in the prompt and is replaced by each value) or model.";

    [KernelFunction("make_grid")]
    [LimitDescription("Makes an X/Y comparison grid: one image per combination of the x values (columns) and optional y values (rows) over one prompt, " +
                 "all with the same seed unless the seed is an axis, plus a labelled contact sheet PNG (at most {0} cells). " +
                 "Returns JSON with the sheet's path and each cell's path, axis values and seed.", EaselLimits.MaxGridCells)]
    public async Task<string> MakeGridAsync(
        [Description("What the images show.")] string prompt,
        [Description(AxisArgument)] string x_axis,
        [Description("The column values, comma separated (use '|' to separate values that contain commas), e.g. '1,2,3' or '3,7.5'.")] string x_values,
        [Description(AxisArgument + " Omit for one row.")] string? y_axis = null,
        [Description("The row values, comma or '|' separated; required with y_axis.")] string? y_values = null,
        [Description(NegativeArgument)] string? negative_prompt = null,
        [LimitDescription(StepsArgument, EaselLimits.MaxSteps)] int? steps = null,
        [LimitDescription(GuidanceArgument, EaselLimits.MaxGuidance)] double? guidance = null,
        [Description("Seed of every cell unless the seed is an axis; omit for one random seed for the whole grid.")] long? seed = null,
        [Description(ModelArgument)] string? model = null,
        [Description("Sampler: pndm, ddim, euler, euler_a, dpmpp_2m, dpmpp_2m_karras or lcm; omit for the model's default.")] string? scheduler = null,
        CancellationToken cancellationToken = default)
    {
        try
        {
            if (y_axis is null != string.IsNullOrWhiteSpace(y_values))
                throw new EaselValidationException(y_axis is null ? "y_values" : "y_axis", "y_axis and y_values go together.");
            var request = new GridRequest
            {
                Base = new GenerateRequest { Prompt = prompt, NegativePrompt = negative_prompt, Steps = steps, Guidance = guidance, Seed = seed, Model = model, Scheduler = scheduler },
                X = GridAxis.Create(x_axis, GridAxis.SplitValues(x_values ?? ""), "x_axis"),
                Y = y_axis is null ? null : GridAxis.Create(y_axis, GridAxis.SplitValues(y_values!), "y_axis"),
            };
            var result = await _engine.GridAsync(request, null, cancellationToken).ConfigureAwait(false);
            return ResultJson.Serialize(new
            {
                Summary = $"Made a {result.Columns}x{result.Rows} grid ({result.X.Name}{(result.Y is { } y ? $" by {y.Name}" : "")}); contact sheet: {result.Sheet.Path}",
                Operation = "grid",
                XAxis = result.X.Name,
                XValues = result.X.Values,
                YAxis = result.Y?.Name,
                YValues = result.Y?.Values,
                Sheet = new ImageSummary(result.Sheet.Id, result.Sheet.ResourceUri, result.Sheet.Path, result.Sheet.FileUri.AbsoluteUri, result.Cells[0].Image.Seed, result.SheetWidth, result.SheetHeight),
                Cells = result.Cells.Select(c => new { c.Column, c.Row, X = c.XValue, Y = c.YValue, c.Image.Id, c.Image.Path, c.Image.Seed }),
                Seconds = Math.Round(result.Elapsed.TotalSeconds, 2),
            });
        }
        catch (EaselException ex)
        {
            throw new KernelException(ex.Message, ex);
        }
    }

    [KernelFunction("make_dataset")]
    [Description("Writes (or resumes) a synthetic image data set in the Hugging Face imagefolder layout: PNGs plus metadata.jsonl with " +
                 "file_name, text, seed, every parameter and slot value. Prompts come from a list or a template with {slot}s. " +
                 "Runs to completion (minutes for large sets); the same arguments resume an interrupted set. Returns JSON with the counts.")]
    public async Task<string> MakeDatasetAsync(
        [Description("Folder to write; the same folder and arguments resume.")] string @out,
        [Description("Prompts, one per line. Give this or template.")] string? prompts = null,
        [Description("A prompt with {slot}s, e.g. 'a {color} {shape} on a {bg} background'. Give this or prompts.")] string? template = null,
        [Description("Slot values as 'name=a,b,c;other=x,y'.")] string? slots = null,
        [Description("Fill open slots (color, bg, shape, size, position) from the bundled model's scene grammar and write labels.")] bool grammar = false,
        [Description("With grammar: judge each image and write judge_pass and judge_details per line, to filter images that miss their caption.")] bool judge = false,
        [LimitDescription("Images per prompt (1–{0}).", EaselLimits.MaxDatasetImagesPerPrompt)] int images_per_prompt = 1,
        [Description("Use only this many prompts, drawn deterministically.")] int? sample = null,
        [Description("Share of images in a validation split, 0 to below 1; 0 = no split.")] double validation = 0,
        [Description("Seed of the first image (image i has seed + i); default 0.")] long? seed = null,
        [LimitDescription(StepsArgument, EaselLimits.MaxSteps)] int? steps = null,
        [Description(ModelArgument)] string? model = null,
        CancellationToken cancellationToken = default)
    {
        try
        {
            var request = new DatasetRequest
            {
                OutputDirectory = @out,
                Base = new GenerateRequest { Prompt = "", Seed = seed, Steps = steps, Model = model },
                Prompts = prompts?.Split('\n'),
                Template = template,
                Slots = DatasetSlots.Parse(slots),
                Grammar = grammar,
                Judge = judge,
                ImagesPerPrompt = images_per_prompt,
                Sample = sample,
                ValidationFraction = validation,
            };
            var result = await _engine.DatasetAsync(request, null, cancellationToken).ConfigureAwait(false);
            return ResultJson.Serialize(new
            {
                Summary = $"Data set of {result.Total} images in {result.Directory} ({string.Join(", ", result.Splits.Select(s => $"{s.Key} {s.Value}"))}); made {result.Made}, {result.Skipped} already there.",
                result.Directory,
                result.Total,
                result.Made,
                result.Skipped,
                result.Splits,
                result.Manifests,
                Seconds = Math.Round(result.Elapsed.TotalSeconds, 2),
            });
        }
        catch (EaselException ex)
        {
            throw new KernelException(ex.Message, ex);
        }
    }
}
