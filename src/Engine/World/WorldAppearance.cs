using System.Text.Json;

namespace Easel.Engine.World;

/// <summary>The world's appearance ranges (see scene_grammar.json "appearance").</summary>
public sealed record WorldAppearance(
    (double Min, double Max) Shade, IReadOnlyDictionary<string, double> BackgroundStyles, double BackgroundTone,
    IReadOnlyDictionary<string, double> ObjectStyles, double ObjectLight, double OutlineDarken, (double Min, double Max) NoiseSigma)
{
    internal static WorldAppearance Parse(JsonElement e) => new(
        (e.GetProperty("shade")[0].GetDouble(), e.GetProperty("shade")[1].GetDouble()),
        e.GetProperty("background_styles").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble()),
        e.GetProperty("background_tone").GetDouble(),
        e.GetProperty("object_styles").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble()),
        e.GetProperty("object_light").GetDouble(), e.GetProperty("outline_darken").GetDouble(),
        (e.GetProperty("noise_sigma")[0].GetDouble(), e.GetProperty("noise_sigma")[1].GetDouble()));
}
