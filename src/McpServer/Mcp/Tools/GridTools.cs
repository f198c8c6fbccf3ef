using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Easel.Engine.Grids;
using Easel.Engine.Pipelines;
using Easel.McpServer.Mcp.Results;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Easel.McpServer.Mcp.Tools;

/// <summary>
/// X/Y grids for side-by-side comparison (A/B variants, parameter sweeps). Annotations as for the image tools:
/// it writes new files (not read-only, not idempotent), never overwrites (not destructive), and runs locally.
/// </summary>
[McpServerToolType]
public sealed class GridTools(ToolRunner runner, ILogger<GridTools> logger)
{
    private const string Axis = "What to vary: seed, guidance, steps, scheduler, strength (img2img; needs 'image'), prompt (search/replace: the first value must occur in the prompt and is replaced by each value in turn) or model.";

    [McpServerTool(Name = "make_grid", Title = "Make an X/Y comparison grid", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(GridToolOutput))]
    [Description("Generates one image per combination of up to two axes (x_axis columns, y_axis rows) over one base request and returns a labelled contact sheet (inline preview) plus a resource link to every cell. All cells share one seed unless the seed is an axis. At most 64 cells.")]
    public async Task<CallToolResult> MakeGrid(
        RequestContext<CallToolRequestParams> context,
        [Description(Docs.Prompt)] string prompt,
        [Description(Axis), AllowedValues("seed", "guidance", "steps", "scheduler", "strength", "prompt", "model")] string x_axis,
        [Description("The column values, left to right (numbers as text are fine).")] string[] x_values,
        [Description(Axis + " Omit for a single row."), AllowedValues("seed", "guidance", "steps", "scheduler", "strength", "prompt", "model")] string? y_axis = null,
        [Description("The row values, top to bottom; required with y_axis.")] string[]? y_values = null,
        [Description(Docs.Image + " Makes every cell an img2img of it."), MaxLength(Docs.MaxImageArgumentChars)] string? image = null,
        [Description(Docs.Strength + " With image; default 0.75."), Range(0.0, 1.0)] double? strength = null,
        [Description(Docs.NegativePrompt)] string? negative_prompt = null,
        [Description(Docs.Model)] string? model = null,
        [Description(Docs.Width), Range(8, Docs.MaxSide)] int? width = null,
        [Description(Docs.Height), Range(8, Docs.MaxSide)] int? height = null,
        [Description(Docs.Steps), Range(1, Docs.MaxSteps)] int? steps = null,
        [Description(Docs.Guidance), Range(0, Docs.MaxGuidance)] double? guidance = null,
        [Description(Docs.Scheduler), AllowedValues("ddim", "euler", "euler_a", "dpmpp_2m", "dpmpp_2m_karras", "lcm", "pndm")] string? scheduler = null,
        [Description("Seed of every cell (unless the seed is an axis). Default: one random seed for the whole grid."), Range(0, Docs.MaxSeed)] long? seed = null,
        [Description("What to embed: 'preview' (default: the contact sheet, downscaled to fit) or 'none'."), AllowedValues("none", "preview")] string inline = "preview",
        CancellationToken cancellationToken = default)
    {
        var mode = ImageResultBuilder.ParseInline(inline);
        if (mode == InlineMode.Full) mode = InlineMode.Preview; // the full sheet is the first resource link
        if (y_axis is null && y_values is { Length: > 0 })
            throw new Engine.EaselValidationException("y_values", "given without y_axis; name what the rows vary.");
        var request = new GridRequest
        {
            Base = ToolRunner.Request(prompt, negative_prompt, model, width, height, steps, guidance, scheduler, seed, 1),
            X = GridAxis.Create(x_axis, x_values, "x_axis"),
            Y = y_axis is null ? null : GridAxis.Create(y_axis, y_values, "y_axis"),
            Image = string.IsNullOrWhiteSpace(image) ? null : new ImageInput(image),
            Strength = strength,
        };
        var forwarder = new ProgressForwarder(context.Server, context.Params?.ProgressToken, logger);
        GridResult result;
        try
        {
            // Progress counts denoising steps over the whole grid (cells may differ in steps).
            var progress = new Relay(p => forwarder.Report(new GenerationProgress("denoising", 0, 1, p.CompletedSteps, p.TotalSteps)));
            result = await runner.Engine.GridAsync(request, progress, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await forwarder.DisposeAsync().ConfigureAwait(false);
        }
        return GridResultBuilder.Build(result, mode);
    }

    private sealed class Relay(Action<GridProgress> report) : IProgress<GridProgress>
    {
        public void Report(GridProgress value) => report(value);
    }
}
