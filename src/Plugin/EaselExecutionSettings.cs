using System.Text.Json.Serialization;
using Easel.Engine.Pipelines;
using Microsoft.SemanticKernel;

namespace Easel.Plugin;

/// <summary>
/// Easel's settings for <see cref="EaselTextToImageService"/>. Plain <see cref="PromptExecutionSettings"/> work too:
/// their <c>ExtensionData</c> keys (width, height, steps, seed, negative_prompt, guidance, scheduler, count, model)
/// are read the same way, which is how SK's <c>GenerateImageAsync(description, width, height)</c> passes the size.
/// </summary>
public sealed class EaselExecutionSettings : PromptExecutionSettings
{
    private int? _width, _height, _steps, _count;
    private long? _seed;
    private double? _guidance;
    private string? _negativePrompt, _scheduler;

    [JsonPropertyName("width")] public int? Width { get => _width; set => Set(ref _width, value); }
    [JsonPropertyName("height")] public int? Height { get => _height; set => Set(ref _height, value); }
    [JsonPropertyName("steps")] public int? Steps { get => _steps; set => Set(ref _steps, value); }
    [JsonPropertyName("seed")] public long? Seed { get => _seed; set => Set(ref _seed, value); }
    [JsonPropertyName("guidance")] public double? Guidance { get => _guidance; set => Set(ref _guidance, value); }
    [JsonPropertyName("negative_prompt")] public string? NegativePrompt { get => _negativePrompt; set => Set(ref _negativePrompt, value); }
    [JsonPropertyName("scheduler")] public string? Scheduler { get => _scheduler; set => Set(ref _scheduler, value); }
    [JsonPropertyName("count")] public int? Count { get => _count; set => Set(ref _count, value); }

    /// <summary>Typed settings from any settings object: an <see cref="EaselExecutionSettings"/> as is, otherwise
    /// <see cref="PromptExecutionSettings.ModelId"/> and the ExtensionData keys (bad values fail naming the key).</summary>
    public static EaselExecutionSettings FromExecutionSettings(PromptExecutionSettings? settings)
    {
        if (settings is EaselExecutionSettings easel) return easel;
        var result = new EaselExecutionSettings { ModelId = settings?.ModelId, ServiceId = settings?.ServiceId };
        if (settings?.ExtensionData is not { } data) return result;
        object? Get(string key) => data.TryGetValue(key, out var v) ? v : null;
        result.Width = LooseValue.Int(Get("width"), "width");
        result.Height = LooseValue.Int(Get("height"), "height");
        result.Steps = LooseValue.Int(Get("steps"), "steps");
        result.Seed = LooseValue.Long(Get("seed"), "seed");
        result.Guidance = LooseValue.Double(Get("guidance") ?? Get("guidance_scale"), "guidance");
        result.NegativePrompt = LooseValue.String(Get("negative_prompt"), "negative_prompt");
        result.Scheduler = LooseValue.String(Get("scheduler"), "scheduler");
        result.Count = LooseValue.Int(Get("count"), "count");
        result.ModelId ??= LooseValue.String(Get("model"), "model");
        return result;
    }

    /// <summary>The engine request these settings describe.</summary>
    public GenerateRequest ToRequest(string prompt) => new()
    {
        Prompt = prompt,
        NegativePrompt = NegativePrompt,
        Model = ModelId,
        Width = Width,
        Height = Height,
        Steps = Steps,
        Guidance = Guidance,
        Scheduler = Scheduler,
        Seed = Seed,
        Count = Count ?? 1,
    };

    public override PromptExecutionSettings Clone() => new EaselExecutionSettings
    {
        ModelId = ModelId,
        ServiceId = ServiceId,
        ExtensionData = ExtensionData is null ? null : new Dictionary<string, object>(ExtensionData),
        FunctionChoiceBehavior = FunctionChoiceBehavior,
        Width = Width,
        Height = Height,
        Steps = Steps,
        Seed = Seed,
        Guidance = Guidance,
        NegativePrompt = NegativePrompt,
        Scheduler = Scheduler,
        Count = Count,
    };

    private void Set<T>(ref T field, T value)
    {
        ThrowIfFrozen();
        field = value;
    }
}
