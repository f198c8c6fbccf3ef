using Easel.Engine.Pipelines;

namespace Easel.Engine.Vocabulary;

/// <summary>The one spelling of <see cref="ResizeMode"/> on every surface: fit, fill, stretch.</summary>
public static class ResizeModes
{
    /// <summary>The accepted names, in the order help lists them.</summary>
    public static readonly IReadOnlyList<string> Names = ["fit", "fill", "stretch"];

    public static string Name(ResizeMode mode) => mode switch
    {
        ResizeMode.Fill => "fill",
        ResizeMode.Stretch => "stretch",
        _ => "fit",
    };

    /// <summary>fit (also for null or empty), fill or stretch, in any case; anything else fails naming <paramref name="field"/>.</summary>
    public static ResizeMode Parse(string? value, string field = "resize") => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "fit" => ResizeMode.Fit,
        "fill" => ResizeMode.Fill,
        "stretch" => ResizeMode.Stretch,
        _ => throw new EaselValidationException(field, $"'{value}' is not one of {string.Join(", ", Names)}."),
    };
}
