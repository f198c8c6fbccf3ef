namespace Easel.Engine;

/// <summary>Engine settings; surfaces bind them from configuration section "Easel" and EASEL_* variables.</summary>
public sealed class EaselOptions
{
    /// <summary>Extra folder to search for models (EASEL_MODELS, ./models and the repository's models/ are always searched).</summary>
    public string? ModelsPath { get; set; }

    /// <summary>Model used when a request names none; default: the bundled model, else the first found.</summary>
    public string? DefaultModel { get; set; }

    /// <summary>Where images are saved (EASEL_OUTPUT_DIR); default ./outputs.</summary>
    public string OutputDirectory { get; set; } = "outputs";

    /// <summary>auto | cpu | cuda | tensorrt | directml | coreml.</summary>
    public string ExecutionProvider { get; set; } = "auto";

    /// <summary>Generations that run at once (each already uses every core through ONNX Runtime).</summary>
    public int MaxConcurrentGenerations { get; set; } = 1;

    /// <summary>Requests that may wait for a worker; beyond this a request fails at once with a "busy" error.</summary>
    public int QueueLength { get; set; } = 8;

    /// <summary>Largest source image accepted for editing, in pixels (checked before decoding).</summary>
    public long MaxImagePixels { get; set; } = 4_000_000;

    /// <summary>
    /// Folders local image paths may be read from (besides the output folder). Null: any path the process can read,
    /// right for a local CLI or stdio server; a network-facing server sets a list (empty = only earlier results).
    /// </summary>
    public string[]? InputFolders { get; set; }

    /// <summary>
    /// Prompt policy file (JSON: blocked terms and patterns per category). Null: the small built-in list; "none": no policy.
    /// </summary>
    public string? PromptPolicyPath { get; set; }

    /// <summary>Whether the audit line for a refused prompt includes the prompt text (default: no, only field, category, length).</summary>
    public bool PromptPolicyLogsPrompts { get; set; }

    /// <summary>Applies EASEL_MODELS-style environment variables over the current values.</summary>
    public EaselOptions WithEnvironment()
    {
        var output = Environment.GetEnvironmentVariable("EASEL_OUTPUT_DIR");
        if (!string.IsNullOrWhiteSpace(output)) OutputDirectory = output;
        var model = Environment.GetEnvironmentVariable("EASEL_DEFAULT_MODEL");
        if (!string.IsNullOrWhiteSpace(model)) DefaultModel = model;
        var provider = Environment.GetEnvironmentVariable("EASEL_EXECUTION_PROVIDER");
        if (!string.IsNullOrWhiteSpace(provider)) ExecutionProvider = provider;
        var policy = Environment.GetEnvironmentVariable("EASEL_PROMPT_POLICY");
        if (!string.IsNullOrWhiteSpace(policy)) PromptPolicyPath = policy;
        return this;
    }
}
