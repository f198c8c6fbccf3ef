using System.ComponentModel;

namespace Easel.McpServer.Mcp.Results;

[Description("A data set job started with start_dataset.")]
public sealed record DatasetJobOutput(
    [property: Description("Job id for get_dataset_job and cancel_dataset_job.")] string JobId,
    [property: Description("queued, running, succeeded, failed or cancelled.")] string State,
    [property: Description("The data set folder (Hugging Face imagefolder layout).")] string Directory,
    [property: Description("Images that exist, this run's and earlier runs' together.")] int Done,
    [property: Description("Images the data set has when finished.")] int Total,
    [property: Description("Images an earlier run had already made (skipped).")] int Skipped,
    [property: Description("Images per minute this run (0 until one is made).")] double ImagesPerMinute,
    [property: Description("Images per split once finished (train, and validation when split).")] IReadOnlyDictionary<string, int>? Splits,
    [property: Description("The metadata.jsonl files, once finished.")] IReadOnlyList<string>? Manifests,
    [property: Description("Why the job failed or that it was cancelled (start_dataset with the same arguments resumes it).")] string? Error);
