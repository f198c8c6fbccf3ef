using System.ComponentModel;

namespace Easel.McpServer.Mcp.Results;

// Structured tool results. Their JSON schemas are the tools' outputSchema, so every field says what it is.

[Description("The images a generation or edit produced, and the parameters that made them.")]
public sealed record ImageToolOutput(
    [property: Description("txt2img, img2img, inpaint, outpaint or variation.")] string Operation,
    [property: Description("Model that ran.")] string Model,
    [property: Description("One entry per image, in seed order.")] IReadOnlyList<ImageOutput> Images,
    [property: Description("Settings after defaults were applied (identical for every image but the seed).")] GenerationParameters Parameters,
    [property: Description("Things the caller may want to know (dropped prompt tokens, ignored options).")] IReadOnlyList<string> Warnings,
    [property: Description("Wall-clock seconds, queueing included.")] double Seconds,
    [property: Description("What was inlined: none, preview or full.")] string Inline,
    [property: Description("Notes about the inline images (for example a full image that exceeded the result size limit).")] IReadOnlyList<string> Notes);

[Description("One saved image.")]
public sealed record ImageOutput(
    [property: Description("Image id; pass it (or the uri) as 'image' to edit this image.")] string Id,
    [property: Description("MCP resource URI of the full PNG (resources/read).")] string Uri,
    [property: Description("Absolute path of the PNG on the server's machine.")] string Path,
    [property: Description("file:// URI of the PNG.")] string FileUri,
    [property: Description("Seed of this image; reuse it to reproduce the image.")] long Seed,
    [property: Description("Width in pixels.")] int Width,
    [property: Description("Height in pixels.")] int Height,
    [property: Description("Size of the PNG in bytes.")] long Bytes,
    [property: Description("Always image/png.")] string MimeType);

[Description("Generation settings as they ran.")]
public sealed record GenerationParameters(
    string Prompt,
    string NegativePrompt,
    int Width,
    int Height,
    int Steps,
    double Guidance,
    string Scheduler,
    [property: Description("Edits only: 0 keeps the source, 1 ignores it.")] double? Strength,
    [property: Description("Number of images.")] int Count);

[Description("A background generation started with start_generation.")]
public sealed record JobOutput(
    [property: Description("Job id for get_job and cancel_job.")] string JobId,
    [property: Description("queued, running, succeeded, failed or cancelled.")] string State,
    [property: Description("txt2img, img2img, inpaint, outpaint or variation (the name image results report).")] string Operation,
    [property: Description("queued, encoding, denoising, decoding, or the final state.")] string Stage,
    [property: Description("Denoising steps done, over all images.")] int Completed,
    [property: Description("Denoising steps in all (0 until the job starts).")] int Total,
    [property: Description("Position in the queue while waiting for a worker.")] int? QueuePosition,
    [property: Description("When the job was created (UTC, ISO 8601).")] DateTimeOffset Created,
    [property: Description("When the job finished, if it has.")] DateTimeOffset? Finished,
    [property: Description("Why the job failed or that it was cancelled.")] string? Error,
    [property: Description("The images, once the job succeeded.")] ImageToolOutput? Result);

[Description("Models the server can run.")]
public sealed record ModelListOutput(
    [property: Description("Model used when a request names none.")] string? DefaultModel,
    IReadOnlyList<ModelOutput> Models,
    [property: Description("Folders searched for models.")] IReadOnlyList<string> SearchRoots);

[Description("One model folder.")]
public sealed record ModelOutput(
    [property: Description("Name to pass as 'model'.")] string Name,
    string Path,
    bool IsDefault,
    [property: Description("sd1, sd2 or sdxl (null when the folder could not be read).")] string? Family,
    int? NativeWidth,
    int? NativeHeight,
    int? DefaultSteps,
    double? DefaultGuidance,
    string? DefaultScheduler,
    [property: Description("Whether negative prompts have any effect (not for Turbo/LCM models).")] bool? UsesNegativePrompt,
    [property: Description("Whether the model can edit images (restyle, inpaint, outpaint, variations): it has a VAE encoder.")] bool? CanEdit,
    [property: Description("A dedicated inpainting model (9-channel UNet).")] bool? Inpainting,
    [property: Description("Size locked to the native size.")] bool? FixedSize,
    [property: Description("Why the folder cannot be used.")] string? Error);

[Description("A prompt composed for a model.")]
public sealed record ComposedPromptOutput(
    [property: Description("Pass as 'prompt'.")] string Prompt,
    [property: Description("Pass as 'negative_prompt' (empty when the model ignores negatives).")] string NegativePrompt,
    [property: Description("CLIP tokens the prompt uses.")] int TokenCount,
    [property: Description("Tokens the model reads in one window.")] int TokenLimit,
    string Model,
    [property: Description("Preset or free-text style applied.")] string? Style,
    [property: Description("What was trimmed or ignored, and why.")] IReadOnlyList<string> Notes);
