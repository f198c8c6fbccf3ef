using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Easel.Engine;
using Easel.Engine.Pipelines;

namespace Easel.Plugin;

/// <summary>
/// One saved image as the JSON result describes it, with the field names of every Easel surface: <see cref="Uri"/> is
/// the easel://images/{id} URI (pass it, or the id, as an image to edit), <see cref="FileUri"/> the file:// URI.
/// </summary>
public sealed record ImageSummary(string Id, string Uri, string Path, string FileUri, long Seed, int Width, int Height);

/// <summary>
/// The compact, text-only result of an image function: what every chat connector can carry back to the model.
/// <see cref="Summary"/> is one line a model can quote to the user.
/// </summary>
public sealed record ImageResultSummary(
    string Summary,
    string Operation,
    string Model,
    int Steps,
    double Guidance,
    string Scheduler,
    double? Strength,
    IReadOnlyList<ImageSummary> Images,
    IReadOnlyList<string>? Warnings,
    double Seconds)
{
    public static ImageResultSummary From(GenerationResult result)
    {
        var images = result.Images.Select(i => new ImageSummary(i.Id, i.Stored.ResourceUri, i.Path, i.Stored.FileUri.AbsoluteUri, i.Seed, i.Width, i.Height)).ToList();
        var first = result.Images.Count > 0 ? result.Images[0].Metadata
            : throw new EaselException("The engine returned no images.");
        return new ImageResultSummary(Describe(result), first.Operation, result.Model, first.Steps, first.Guidance, first.Scheduler,
            first.Strength, images, result.Warnings.Count == 0 ? null : result.Warnings, Math.Round(result.Timings.Total.TotalSeconds, 2));
    }

    /// <summary>"Generated 1 image 64x64 with sd15-optimum (4 steps, seed 42): /path/easel-….png".</summary>
    private static string Describe(GenerationResult result)
    {
        var images = result.Images;
        var first = images[0];
        string verb = first.Metadata.Operation switch
        {
            "img2img" => "Restyled",
            "inpaint" => "Inpainted",
            "outpaint" => "Outpainted",
            "variation" => "Created",
            _ => "Generated",
        };
        string noun = first.Metadata.Operation == "variation" ? "variation" : "image";
        string count = images.Count == 1 ? $"1 {noun}" : $"{images.Count} {noun}s";
        string seeds = images.Count == 1 ? $"seed {first.Seed}" : $"seeds {string.Join(", ", images.Select(i => i.Seed))}";
        string files = string.Join(", ", images.Select(i => i.Path));
        return $"{verb} {count} {first.Width}x{first.Height} with {result.Model} ({first.Metadata.Steps} steps, {seeds}): {files}";
    }
}

/// <summary>JSON for tool results: snake_case, nulls left out, paths unescaped so a model can quote them exactly.</summary>
internal static class ResultJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);
}
