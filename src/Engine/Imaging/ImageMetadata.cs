using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Easel.Engine.Imaging;

/// <summary>Every parameter that made an image; written into its PNG and returned with it.</summary>
public sealed record ImageMetadata
{
    public string Operation { get; init; } = "txt2img";
    public required string Prompt { get; init; }
    public string NegativePrompt { get; init; } = "";
    public required string Model { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    public required int Steps { get; init; }
    public required double Guidance { get; init; }
    public double GuidanceRescale { get; init; }
    public required string Scheduler { get; init; }
    public double? Eta { get; init; }
    public required long Seed { get; init; }
    public double? Strength { get; init; }
    public IReadOnlyList<string>? SourceImageHashes { get; init; }
    public IReadOnlyDictionary<string, string>? Extra { get; init; }
    public string EngineVersion { get; init; } = EngineInfo.Version;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static ImageMetadata? FromJson(string json) => JsonSerializer.Deserialize<ImageMetadata>(json, JsonOptions);

    /// <summary>The AUTOMATIC1111 "parameters" text other tools (web UIs, image browsers) read.</summary>
    public string ToA1111Parameters()
    {
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string> { Prompt };
        if (!string.IsNullOrEmpty(NegativePrompt)) lines.Add($"Negative prompt: {NegativePrompt}");
        var fields = new List<string>
        {
            $"Steps: {Steps}",
            $"Sampler: {SamplerDisplayName(Scheduler)}",
            string.Format(inv, "CFG scale: {0}", Guidance),
            $"Seed: {Seed}",
            $"Size: {Width}x{Height}",
            $"Model: {Model}",
        };
        if (Strength is { } s) fields.Add(string.Format(inv, "Denoising strength: {0}", s));
        if (GuidanceRescale > 0) fields.Add(string.Format(inv, "CFG rescale: {0}", GuidanceRescale));
        if (Operation != "txt2img") fields.Add($"Operation: {Operation}");
        fields.Add($"Version: Easel {EngineVersion}");
        lines.Add(string.Join(", ", fields));
        return string.Join("\n", lines);
    }

    /// <summary>The sampler names A1111-style tools show.</summary>
    public static string SamplerDisplayName(string scheduler) => scheduler switch
    {
        "ddim" => "DDIM",
        "euler" => "Euler",
        "euler_a" => "Euler a",
        "dpmpp_2m" => "DPM++ 2M",
        "dpmpp_2m_karras" => "DPM++ 2M Karras",
        "lcm" => "LCM",
        "pndm" => "PLMS",
        _ => scheduler,
    };
}

public static class EngineInfo
{
    public static string Version { get; } =
        typeof(EngineInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
