namespace Easel.Engine;

/// <summary>
/// Engine settings. Every surface (the Semantic Kernel / MEAI registrations, <c>easel serve</c>, the CLI) reads them
/// from configuration section "Easel" and the EASEL_* environment variables through <see cref="EaselConfiguration"/>.
/// </summary>
public sealed class EaselOptions
{
    /// <summary>
    /// Extra folders to search for models, separated by the platform's path separator (EASEL_MODELS). The models/
    /// folder beside the application (where the bundled model is copied) is searched first, these next, ./models last.
    /// </summary>
    public string? ModelsPath { get; set; }

    /// <summary>Model used when a request names none (EASEL_DEFAULT_MODEL); default: the bundled model, else the first found.</summary>
    public string? DefaultModel { get; set; }

    /// <summary>Where images are saved (EASEL_OUTPUT_DIR); default ./outputs.</summary>
    public string OutputDirectory { get; set; } = "outputs";

    /// <summary>auto | cpu | cuda | tensorrt | directml | coreml (EASEL_EXECUTION_PROVIDER).</summary>
    public string ExecutionProvider { get; set; } = "auto";

    /// <summary>Generations that run at once (EASEL_MAX_CONCURRENT_GENERATIONS); each already uses every core through ONNX Runtime.</summary>
    public int MaxConcurrentGenerations { get; set; } = 1;

    /// <summary>Requests that may wait for a worker (EASEL_QUEUE_LENGTH); beyond this a request fails at once with a "busy" error.</summary>
    public int QueueLength { get; set; } = 8;

    /// <summary>Largest source image accepted for editing, in pixels (checked before decoding).</summary>
    public long MaxImagePixels { get; set; } = 4_000_000;

    /// <summary>
    /// Folders local image paths may be read from (besides the output folder). Null: any path the process can read,
    /// right for a local CLI or stdio server; a network-facing server sets a list (empty = only earlier results).
    /// </summary>
    public string[]? InputFolders { get; set; }

    /// <summary>
    /// Requests may name only the models found in the search roots, by name (or by their listed path): no other
    /// folder is loaded or even checked for existence. Network-facing servers set it; a local CLI or stdio server need not.
    /// </summary>
    public bool ModelsByNameOnly { get; set; }

    /// <summary>
    /// Prompt policy file (JSON: blocked terms and patterns per category). Null: the small built-in list; "none": no policy.
    /// </summary>
    public string? PromptPolicyPath { get; set; }

    /// <summary>Whether the audit line for a refused prompt includes the prompt text (default: no, only field, category, length).</summary>
    public bool PromptPolicyLogsPrompts { get; set; }

    /// <summary>ONNX Runtime session settings (section <c>Easel:Onnx</c>).</summary>
    public Onnx.OnnxRuntimeOptions Onnx { get; set; } = new();

    /// <summary>
    /// Images denoised together in one UNet call when a request asks for several (EASEL_UNET_BATCH): 1 runs them one
    /// after another, 0 (default) lets Easel choose (every image of the request on a GPU provider, one at a time on CPU,
    /// where batching measured no faster). Images are the same either way.
    /// </summary>
    public int UnetBatch { get; set; }

    /// <summary>Load the default model's sessions and run one tiny generation when <c>easel serve</c> starts (EASEL_WARM_UP),
    /// so the first request does not pay session creation and first-run planning.</summary>
    public bool WarmUp { get; set; }
}
