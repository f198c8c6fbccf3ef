using Easel.Engine.Vocabulary;

namespace Easel.McpServer.Mcp.Tools;

/// <summary>Parameter descriptions shared by the tools (attributes need constants).</summary>
internal static class Docs
{
    public const string Prompt = "What the image should show, in plain words (comma-separated phrases work best). Use compose_prompt to build one from subject, style and lighting.";
    public const string NegativePrompt = "What the image should not show (ignored by Turbo/LCM models).";
    public const string Model = "Model name from list_models (or a model folder path). Default: the server's default model.";
    public const string Width = "Width in pixels, a multiple of 8. Default: the model's native width.";
    public const string Height = "Height in pixels, a multiple of 8. Default: the model's native height.";
    public const string Steps = "Denoising steps: more is slower and usually finer. Default: the model's (e.g. 25; 1-4 for Turbo/LCM).";
    public const string Guidance = "Classifier-free guidance: how strictly to follow the prompt. 1 or less disables it. Default: the model's (e.g. 7.5).";
    public const string Scheduler = "Sampler. Default: the model's own.";
    public const string Seed = "Random seed; the same seed and settings give the same image. Default: random (returned in the result).";
    public const string Count = "Number of images (seeds seed, seed+1, ...).";
    public const string Inline = "What to embed in the result: 'preview' (default, a small downscaled copy), 'none' (text and links only, cheapest in tokens) or 'full' (the full PNG when it fits the 1 MB result limit, else a preview with a note). The full image is always available through the returned easel://images/{id} link and file path.";
    public const string Image = "The source image: an absolute path or file:// URI on the server's machine, a data: URI, raw base64, or easel://images/{id} (or the id) of an earlier result.";
    public const string Mask = "Inpainting mask in the same forms as 'image': white = repaint, black = keep. Omit it to repaint the transparent pixels of an RGBA image.";
    public const string Strength = "How much to change: 0 keeps the source, 1 ignores it.";
    public const string Resize = "How a source whose size differs from width/height is fitted: 'fit' (letterbox, default), 'fill' (crop) or 'stretch'.";
    public const string Side = "Pixels to add on this side, a multiple of 8.";
    public const string JobId = "Job id returned by start_generation.";

    public const string Schedulers = "ddim, euler, euler_a, dpmpp_2m, dpmpp_2m_karras, lcm, pndm";
    public const string StylePresetNames = "photographic, cinematic, watercolor, oil-painting, line-art, pixel-art, anime, 3d-render, flat-illustration";

    // The engine's limits (Easel.Engine.Vocabulary), named here for the Range attributes.
    public const int MaxSide = EaselLimits.MaxSide;
    public const int MaxSteps = EaselLimits.MaxSteps;
    public const int MaxCount = EaselLimits.MaxCount;
    public const double MaxGuidance = EaselLimits.MaxGuidance;
    public const double MaxSeed = EaselLimits.MaxPortableSeed;
    public const int MaxMaskPixels = EaselLimits.MaxMaskPixels;
    public const int DefaultVariationCount = EaselLimits.DefaultVariationCount;

    /// <summary>
    /// Longest image/mask argument: 16 MiB as base64 (a 4-megapixel PNG is at most ~12 MB). Larger inline data only
    /// bloats the conversation; pass a path or file:// URI instead.
    /// </summary>
    public const int MaxImageArgumentChars = 16 * 1024 * 1024 / 3 * 4 + 64;
}
