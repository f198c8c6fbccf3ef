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
    /// Most memory one request may need by <see cref="Vocabulary.MemoryEstimate"/>, in MB (EASEL_MAX_REQUEST_MEMORY_MB);
    /// larger sizes are refused before any work. 0: the memory .NET may use on this machine (or container).
    /// </summary>
    public long MaxRequestMemoryMB { get; set; }

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

    /// <summary>
    /// What to do with an image the safety checker flags (EASEL_SAFETY_CHECKER): <c>block</c> (default: not saved, the
    /// result says why), <c>flag</c> (saved, marked in its metadata, with a warning) or <c>off</c> (the checker never runs).
    /// The checker runs only for models that ship <c>safety_checker/</c> or when <see cref="SafetyCheckerPath"/> is set.
    /// </summary>
    public string? SafetyChecker { get; set; }

    /// <summary>
    /// A safety checker folder (<c>safety_checker/model.onnx</c> + <c>feature_extractor/</c>) used for models that ship
    /// none (EASEL_SAFETY_CHECKER_PATH).
    /// </summary>
    public string? SafetyCheckerPath { get; set; }

    /// <summary>Whether saved images carry Easel's invisible watermark (EASEL_WATERMARK; default on).</summary>
    public bool Watermark { get; set; } = true;
    /// <summary>Scale-out over Redis Streams (section "Easel:Queue"); unset, generations run in this process.</summary>
    public Jobs.QueueOptions Queue { get; set; } = new();
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
