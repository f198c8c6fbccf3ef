using Easel.Engine.Pipelines;

namespace Easel.Engine.Vocabulary;

/// <summary>
/// The limits and default counts every surface states (MCP <c>Range</c> attributes, SK parameter descriptions, CLI
/// help). They are the engine's own checks, so what a surface promises and what the engine enforces are one number.
/// </summary>
public static class EaselLimits
{
    /// <summary>Largest width or height, in pixels.</summary>
    public const int MaxSide = RequestResolver.MaxSide;
    /// <summary>Most denoising steps.</summary>
    public const int MaxSteps = RequestResolver.MaxSteps;
    /// <summary>Most images one request makes.</summary>
    public const int MaxCount = RequestResolver.MaxCount;
    /// <summary>Largest classifier-free guidance.</summary>
    public const double MaxGuidance = RequestResolver.MaxGuidance;
    /// <summary>Largest mask grow/feather, in pixels.</summary>
    public const int MaxMaskPixels = EditSetup.MaxMaskPixels;
    /// <summary>Largest seed a JSON surface offers: 2^53-1, the largest integer every JSON client keeps exact.</summary>
    public const double MaxPortableSeed = 9007199254740991;
    /// <summary>Images a generation or edit makes when the caller names no count.</summary>
    public const int DefaultCount = 1;
    /// <summary>Variations made when the caller names no count — on every surface.</summary>
    public const int DefaultVariationCount = 4;
    /// <summary>Most cells an X/Y grid has (columns × rows).</summary>
    public const int MaxGridCells = 64;
    /// <summary>Most pixels a grid's contact sheet has (8 × 8 cells of 512 × 512 fit, with their labels).</summary>
    public const long MaxGridSheetPixels = 25_000_000;
    /// <summary>Most images one data set plans (prompts × images per prompt).</summary>
    public const int MaxDatasetImages = 1_000_000;
    /// <summary>Most images a data set makes per prompt.</summary>
    public const int MaxDatasetImagesPerPrompt = 1000;
}
