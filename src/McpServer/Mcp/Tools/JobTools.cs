using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Easel.Engine;
using Easel.Engine.Jobs;
using Easel.Engine.Pipelines;
using Easel.Engine.Vocabulary;
using Easel.McpServer.Mcp.Results;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Easel.McpServer.Mcp.Tools;

/// <summary>
/// Background generation for clients with short request timeouts (many give up after 60 s): start_generation
/// returns a job id at once; get_job reports step/total and, when done, the same result an image tool gives;
/// cancel_job stops it within one denoising step and frees the worker.
/// </summary>
[McpServerToolType]
public sealed class JobTools(EaselEngine engine, JobManager jobs)
{
    // ReadOnly = false and Idempotent = false: each call starts new work that writes new files.
    // Destructive = false: outputs get fresh names; nothing is overwritten. OpenWorld = false: local only.
    [McpServerTool(Name = "start_generation", Title = "Start a background generation", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(JobOutput))]
    [Description("Starts a generation or edit in the background and returns a job id at once (use for slow models or many steps). Poll get_job (it can wait up to 50 s per call) and stop it with cancel_job. Takes the arguments of the matching image tool; 'operation' picks which.")]
    public CallToolResult StartGeneration(
        [Description("generate (text to image, default), restyle, inpaint, outpaint or variations.")]
        [AllowedValues("generate", "restyle", "inpaint", "outpaint", "variations")] string operation = "generate",
        [Description(Docs.Prompt + " Required except for variations.")] string? prompt = null,
        [Description(Docs.Image + " Required for every operation but generate."), MaxLength(Docs.MaxImageArgumentChars)] string? image = null,
        [Description(Docs.Mask + " Inpaint only."), MaxLength(Docs.MaxImageArgumentChars)] string? mask = null,
        [Description(Docs.Strength + " Edits only; defaults: restyle 0.75, inpaint 1.0, outpaint 0.85, variations 0.6."), Range(0.0, 1.0)] double? strength = null,
        [Description(Docs.Resize + " Restyle only."), AllowedValues("fit", "fill", "stretch")] string resize = "fit",
        [Description("Inpaint only: grow the mask by this many pixels."), Range(0, Docs.MaxMaskPixels)] int mask_grow = 0,
        [Description("Inpaint/outpaint: feather the blend edge over this many pixels. Default: automatic."), Range(0, Docs.MaxMaskPixels)] int? mask_feather = null,
        [Description("Outpaint only. " + Docs.Side), Range(0, Docs.MaxSide)] int left = 0,
        [Description("Outpaint only. " + Docs.Side), Range(0, Docs.MaxSide)] int right = 0,
        [Description("Outpaint only. " + Docs.Side), Range(0, Docs.MaxSide)] int top = 0,
        [Description("Outpaint only. " + Docs.Side), Range(0, Docs.MaxSide)] int bottom = 0,
        [Description(Docs.NegativePrompt)] string? negative_prompt = null,
        [Description(Docs.Model)] string? model = null,
        [Description(Docs.Width + " Not for inpaint/outpaint."), Range(8, Docs.MaxSide)] int? width = null,
        [Description(Docs.Height + " Not for inpaint/outpaint."), Range(8, Docs.MaxSide)] int? height = null,
        [Description(Docs.Steps), Range(1, Docs.MaxSteps)] int? steps = null,
        [Description(Docs.Guidance), Range(0, Docs.MaxGuidance)] double? guidance = null,
        [Description(Docs.Scheduler), AllowedValues("ddim", "euler", "euler_a", "dpmpp_2m", "dpmpp_2m_karras", "lcm", "pndm")] string? scheduler = null,
        [Description(Docs.Seed), Range(0, Docs.MaxSeed)] long? seed = null,
        [Description(Docs.Count + " Default 1 (4 for variations)."), Range(1, Docs.MaxCount)] int? count = null)
    {
        var op = (operation ?? "generate").Trim().ToLowerInvariant();
        var generation = ToolRunner.Request(prompt, negative_prompt, model, width, height, steps, guidance, scheduler, seed,
            count ?? (op == "variations" ? EaselLimits.DefaultVariationCount : EaselLimits.DefaultCount));
        JobWork work;
        if (op == "generate")
        {
            if (!string.IsNullOrWhiteSpace(image))
                throw new EaselValidationException("image", "is not used by operation 'generate'; use 'restyle' to start from an image.");
            work = (progress, ct) => engine.GenerateAsync(generation, progress, ct);
        }
        else
        {
            var kind = ImageOperations.ParseEdit(op);
            var request = new EditRequest
            {
                Generation = generation,
                Image = ToolRunner.RequireImage(image),
                Mask = string.IsNullOrWhiteSpace(mask) ? null : new ImageInput(mask),
                Strength = strength,
                Resize = ResizeModes.Parse(resize),
                MaskGrow = mask_grow,
                MaskFeather = mask_feather ?? -1,
                Left = left,
                Right = right,
                Top = top,
                Bottom = bottom,
            };
            work = (progress, ct) => engine.EditAsync(kind, request, progress, ct);
        }
        var started = jobs.Start(ImageOperations.Normalize(op), work);
        return Plain(started, $"Started job {started.Id} ({op}). Call get_job with job_id '{started.Id}' (wait_seconds up to 50) for progress and the images; cancel_job stops it.");
    }

    // ReadOnly and Idempotent: it only reports (the state may have moved on, but asking changes nothing).
    [McpServerTool(Name = "get_job", Title = "Get a background job", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(JobOutput))]
    [Description("Reports a job from start_generation: state (queued, running, succeeded, failed, cancelled), steps done of total, and when it succeeded the images (summary, preview, easel://images links). Set wait_seconds to wait for completion instead of polling quickly.")]
    public async Task<CallToolResult> GetJob(
        [Description(Docs.JobId)] string job_id,
        [Description("Wait up to this many seconds for the job to finish before answering (stays below common 60 s client timeouts)."), Range(0, 50)] double wait_seconds = 0,
        [Description(Docs.Inline), AllowedValues("none", "preview", "full")] string inline = "preview",
        CancellationToken cancellationToken = default)
    {
        var mode = ImageResultBuilder.ParseInline(inline);
        if (wait_seconds is < 0 or > 50 || double.IsNaN(wait_seconds))
            throw new EaselValidationException("wait_seconds", $"{wait_seconds.ToString(CultureInfo.InvariantCulture)} is outside the allowed range 0–50.");
        var job = await jobs.WaitAsync(job_id, TimeSpan.FromSeconds(wait_seconds), cancellationToken).ConfigureAwait(false)
            ?? throw UnknownJob(job_id);
        var output = Describe(job, mode);
        if (job.Result is { } result)
        {
            // The same content an image tool returns, with the job's fields as structured content.
            var images = ImageResultBuilder.Build(result, mode);
            var notes = images.StructuredContent is { } sc && sc.TryGetProperty("notes", out var n)
                ? n.EnumerateArray().Select(e => e.GetString() ?? "").ToList() : [];
            output = output with { Result = ImageResultBuilder.Describe(result, mode, notes) };
            images.Content.Insert(0, new TextContentBlock { Text = $"Job {job.Id} succeeded." });
            images.StructuredContent = McpJson.ToElement(output);
            return images;
        }
        return Plain(job, Summary(job));
    }

    // Not ReadOnly: it stops work. Destructive = false: no file is touched (a cancelled job saves nothing, finished
    // jobs are unaffected). Idempotent = true: cancelling again changes nothing.
    [McpServerTool(Name = "cancel_job", Title = "Cancel a background job", ReadOnly = false, Destructive = false, Idempotent = true, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(JobOutput))]
    [Description("Cancels a job from start_generation. It stops within one denoising step and frees the worker; a finished job is left as it is.")]
    public async Task<CallToolResult> CancelJob(
        [Description(Docs.JobId)] string job_id,
        CancellationToken cancellationToken = default)
    {
        _ = jobs.Cancel(job_id) ?? throw UnknownJob(job_id);
        // Give the worker a moment to reach its next step check so the answer usually says "cancelled".
        var job = await jobs.WaitAsync(job_id, TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false) ?? throw UnknownJob(job_id);
        return Plain(job, Summary(job));
    }

    private EaselValidationException UnknownJob(string id) =>
        new("job_id", $"no job '{id}'. Jobs are kept for {jobs.Retention.TotalMinutes:F0} minutes after they finish, and not across server restarts.");

    private static CallToolResult Plain(JobSnapshot job, string text) => new()
    {
        Content = [new TextContentBlock { Text = text }],
        StructuredContent = McpJson.ToElement(Describe(job, InlineMode.None)),
    };

    internal static JobOutput Describe(JobSnapshot job, InlineMode inline) => new(
        job.Id,
        job.State.ToString().ToLowerInvariant(),
        job.Operation,
        job.Stage,
        job.Completed,
        job.Total,
        job.QueuePosition,
        job.Created,
        job.Finished,
        job.Error,
        job.Result is { } r ? ImageResultBuilder.Describe(r, inline, []) : null);

    private static string Summary(JobSnapshot job) => job.State switch
    {
        JobState.Queued => $"Job {job.Id} is queued{(job.QueuePosition is { } p ? $" (position {p})" : "")}.",
        JobState.Running => $"Job {job.Id} is running: {job.Stage}, step {job.Completed}/{job.Total}.",
        JobState.Failed => $"Job {job.Id} failed: {job.Error}",
        JobState.Cancelled => $"Job {job.Id} was cancelled after {job.Completed}/{job.Total} steps.",
        _ => $"Job {job.Id} succeeded.",
    };
}
