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
}
