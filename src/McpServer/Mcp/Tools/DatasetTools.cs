using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Easel.Engine;
using Easel.Engine.Datasets;
using Easel.McpServer.Mcp.Results;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Easel.McpServer.Mcp.Tools;

/// <summary>
/// Synthetic data sets as background jobs. start_dataset writes files (not read-only) but never overwrites one
/// and, with the same arguments, continues the same set (so it is idempotent in effect: a repeat adds nothing
/// that is not missing); get_dataset_job only reports; cancel_dataset_job stops after the current image.
/// </summary>
[McpServerToolType]
public sealed class DatasetTools(DatasetJobs jobs)
{
    [McpServerTool(Name = "start_dataset", Title = "Start a synthetic data set", ReadOnly = false, Destructive = false, Idempotent = true, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(DatasetJobOutput))]
    [Description("Starts writing a synthetic image data set in the Hugging Face imagefolder layout (PNGs + metadata.jsonl with file_name, text, seed, every parameter and slot value) and returns a job id at once. Prompts come from 'prompts', or from 'template' with {slot}s filled from 'slots' (every combination) and/or the bundled model's grammar. Deterministic; rerun with the same arguments to resume. Poll get_dataset_job.")]
    public CallToolResult StartDataset(
        [Description("Name of the data set folder, relative to the server's output folder (written under datasets/ there; created if needed). The same name and arguments resume an interrupted set.")] string @out,
        [Description("The prompts (one item group each). Give this or 'template'.")] string[]? prompts = null,
        [Description("A prompt with {slot}s, e.g. 'a {color} {shape} on a {bg} background'. Give this or 'prompts'.")] string? template = null,
        [Description("Values per slot, e.g. {\"color\": [\"red\", \"blue\"]}.")] Dictionary<string, string[]>? slots = null,
        [Description("Fill open slots (color, bg, shape, size, position; color1/shape2 for more objects) from the bundled model's scene grammar and write each image's objects and background as labels.")] bool grammar = false,
        [Description("With grammar: run the world judge on each image and write judge_pass (it shows what its labels say) and judge_details (what the judge saw) per line, to filter images that miss their caption.")] bool judge = false,
        [Description("Images per prompt (seeds follow one another)."), Range(1, 1000)] int images_per_prompt = 1,
        [Description("Use only this many prompts, drawn deterministically from all combinations."), Range(1, 1000000)] int? sample = null,
        [Description("Share of images in a validation split (train/ and validation/ subfolders); 0 = no split."), Range(0.0, 0.99)] double validation = 0,
        [Description("Seed of the first image; image i has seed + i. Default 0."), Range(0, Docs.MaxSeed)] long? seed = null,
        [Description(Docs.NegativePrompt)] string? negative_prompt = null,
        [Description(Docs.Model)] string? model = null,
        [Description(Docs.Width), Range(8, Docs.MaxSide)] int? width = null,
        [Description(Docs.Height), Range(8, Docs.MaxSide)] int? height = null,
        [Description(Docs.Steps), Range(1, Docs.MaxSteps)] int? steps = null,
        [Description(Docs.Guidance), Range(0, Docs.MaxGuidance)] double? guidance = null,
        [Description(Docs.Scheduler), AllowedValues("ddim", "euler", "euler_a", "dpmpp_2m", "dpmpp_2m_karras", "lcm", "pndm")] string? scheduler = null)
    {
        var request = new DatasetRequest
        {
            OutputDirectory = jobs.Folder(@out),
            Base = ToolRunner.Request("", negative_prompt, model, width, height, steps, guidance, scheduler, seed, 1),
            Prompts = prompts,
            Template = template,
            Slots = slots?.ToDictionary(s => s.Key, s => (IReadOnlyList<string>)s.Value, StringComparer.Ordinal),
            Grammar = grammar,
            Judge = judge,
            ImagesPerPrompt = images_per_prompt,
            Sample = sample,
            ValidationFraction = validation,
        };
        var job = jobs.Start(request);
        return Result(job, $"Started data set job {job.JobId}: {job.Total} image(s) into {job.Directory}. Call get_dataset_job with job_id '{job.JobId}' (wait_seconds up to 50).");
    }

    [McpServerTool(Name = "get_dataset_job", Title = "Get a data set job", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(DatasetJobOutput))]
    [Description("Reports a job from start_dataset: state, images done of total, rate, and when finished the splits and manifest paths. Set wait_seconds to wait for it to finish.")]
    public async Task<CallToolResult> GetDatasetJob(
        [Description("Job id returned by start_dataset.")] string job_id,
        [Description("Wait up to this many seconds for the job to finish before answering."), Range(0, 50)] double wait_seconds = 0,
        CancellationToken cancellationToken = default)
    {
        if (wait_seconds is < 0 or > 50 || double.IsNaN(wait_seconds))
            throw new EaselValidationException("wait_seconds", $"{wait_seconds.ToString(CultureInfo.InvariantCulture)} is outside the allowed range 0–50.");
        var job = await jobs.WaitAsync(job_id, TimeSpan.FromSeconds(wait_seconds), cancellationToken).ConfigureAwait(false) ?? throw Unknown(job_id);
        return Result(job, Summary(job));
    }

    [McpServerTool(Name = "cancel_dataset_job", Title = "Cancel a data set job", ReadOnly = false, Destructive = false, Idempotent = true, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(DatasetJobOutput))]
    [Description("Stops a job from start_dataset after its current image; the folder stays consistent and start_dataset with the same arguments resumes it.")]
    public async Task<CallToolResult> CancelDatasetJob(
        [Description("Job id returned by start_dataset.")] string job_id,
        CancellationToken cancellationToken = default)
    {
        _ = jobs.Cancel(job_id) ?? throw Unknown(job_id);
        var job = await jobs.WaitAsync(job_id, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false) ?? throw Unknown(job_id);
        return Result(job, Summary(job));
    }

    private static EaselValidationException Unknown(string id) => new("job_id", $"no data set job '{id}' (jobs are not kept across server restarts; start_dataset with the same arguments resumes the folder).");

    private static CallToolResult Result(DatasetJobOutput job, string text) => new()
    {
        Content = [new TextContentBlock { Text = text }],
        StructuredContent = McpJson.ToElement(job),
    };

    private static string Summary(DatasetJobOutput job) => job.State switch
    {
        "succeeded" => $"Data set job {job.JobId} succeeded: {job.Total} image(s) in {job.Directory} ({string.Join(", ", (job.Splits ?? new Dictionary<string, int>()).Select(s => $"{s.Key} {s.Value}"))}); {job.Skipped} were already there.",
        "failed" or "cancelled" => $"Data set job {job.JobId} {job.State} at {job.Done}/{job.Total}: {job.Error}",
        _ => $"Data set job {job.JobId} is {job.State}: {job.Done}/{job.Total} images ({job.ImagesPerMinute.ToString(CultureInfo.InvariantCulture)} per minute).",
    };
}
