using System.Text.Json.Nodes;
using Easel.Engine.Schedulers;

namespace Easel.Engine.Models;

/// <summary>Reads a folder's capabilities from its configs and its sessions' metadata.</summary>
internal static class ModelCapabilityDetector
{
    public static ModelCapabilities Detect(ModelFolder folder)
    {
        var unet = folder.Signature("unet")!;
        var vaeDecoder = folder.Signature("vae_decoder")!;
        var unetConfig = folder.ComponentConfig("unet");
        var vaeConfig = folder.ComponentConfig("vae_decoder") ?? folder.ComponentConfig("vae_encoder") ?? folder.ComponentConfig("vae");
        var className = Text(folder.ModelIndex, "_class_name", folder, "model_index.json") ?? "";
        var scheduler = folder.SchedulerConfig;

        var sample = unet.Inputs.TryGetValue("sample", out var s) ? s
            : throw new EaselException($"Model '{folder.Name}': unet/model.onnx has no 'sample' input (inputs: {string.Join(", ", unet.Inputs.Keys)}).");
        bool isXl = folder.HasComponent("text_encoder_2") || className.Contains("XL", StringComparison.Ordinal) || unet.HasInput("text_embeds");
        bool isRefiner = isXl && unet.HasInput("time_ids") && unet.Inputs["time_ids"].FixedDimension(1) == 5;
        var family = isXl ? ModelFamily.SDXL : IsSd2(folder) ? ModelFamily.SD2 : ModelFamily.SD1;

        int inChannels = sample.FixedDimension(1) ?? Bounded(unetConfig, "in_channels", 1, MaxChannels, folder, "unet/config.json") ?? 4;
        int latentChannels = unet.Outputs.Values.First().FixedDimension(1)
            ?? vaeDecoder.Inputs.Values.First().FixedDimension(1) ?? Bounded(vaeConfig, "latent_channels", 1, MaxChannels, folder, "vae config.json") ?? 4;
        if (inChannels > MaxChannels || latentChannels > MaxChannels)
            throw new EaselException($"model '{folder.Name}': unet/model.onnx declares {inChannels} input and {latentChannels} latent channels; at most {MaxChannels} are supported.");
        bool isLcm = unet.HasInput("timestep_cond");
        int condDim = isLcm ? unet.Inputs["timestep_cond"].FixedDimension(1) ?? Int(unetConfig, "time_cond_proj_dim") ?? 256 : 0;

        int vaeFactor = BlockFactor(vaeConfig, folder, "vae config.json") ?? 8;
        float scaling = (float?)Double(vaeConfig, "scaling_factor") ?? (family == ModelFamily.SDXL ? 0.13025f : 0.18215f);
        if (!float.IsFinite(scaling) || scaling <= 0 || scaling > 100)
            throw new EaselException($"model '{folder.Name}': vae config.json: \"scaling_factor\" must be a positive number (SD 1/2: 0.18215, SDXL: 0.13025), not {scaling}.");

        string id = (folder.Name + " " + (folder.ModelIndex["_name_or_path"]?.ToString() ?? "")).ToLowerInvariant();
        bool trailingEuler = scheduler.TimestepSpacing == "trailing" && scheduler.ClassName.StartsWith("Euler", StringComparison.Ordinal);
        bool isTurbo = !isLcm && (id.Contains("turbo") || id.Contains("lightning") || trailingEuler);

        int? fixedH = sample.FixedDimension(2), fixedW = sample.FixedDimension(3);
        int defaultLatent = Bounded(unetConfig, "sample_size", 1, MaxSampleSize, folder, "unet/config.json")
            ?? (family == ModelFamily.SDXL ? 128 : family == ModelFamily.SD2 && scheduler.PredictionType == "v_prediction" ? 96 : 64);

        var easel = folder.ModelIndex["easel"] as JsonObject; // optional defaults a model folder may carry
        var defaultScheduler = SchedulerFactory.Create(null, scheduler).Name;
        return new ModelCapabilities
        {
            Family = family,
            PredictionType = scheduler.PredictionType,
            UnetInputChannels = inChannels,
            LatentChannels = latentChannels,
            IsLcm = isLcm,
            TimestepCondDim = condDim,
            IsTurbo = isTurbo,
            IsRefiner = isRefiner,
            VaeScalingFactor = scaling,
            VaeScaleFactor = vaeFactor,
            UnetLatentMultiple = fixedH is not null ? 1
                : BlockFactor(unetConfig, folder, "unet/config.json") ?? 8,
            NativeWidth = (fixedW ?? defaultLatent) * vaeFactor,
            NativeHeight = (fixedH ?? defaultLatent) * vaeFactor,
            FixedSize = fixedH is not null && fixedW is not null,
            MaxTokens = 77,
            HasVaeEncoder = folder.HasComponent("vae_encoder"),
            DefaultScheduler = Text(easel, "scheduler", folder, "model_index.json (easel)") ?? defaultScheduler,
            DefaultSteps = Int(easel, "steps") ?? (isTurbo ? 1 : isLcm ? 4 : 25),
            DefaultGuidance = Double(easel, "guidance") ?? (isTurbo ? 0.0 : isLcm ? 8.5 : 7.5),
            ForceZerosForEmptyPrompt = Flag(folder.ModelIndex, "force_zeros_for_empty_prompt", folder) ?? family == ModelFamily.SDXL,
            UnetDtype = sample.ElementType.ToString().ToLowerInvariant(),
        };
    }

    private static bool IsSd2(ModelFolder folder)
    {
        var encoderConfig = folder.ComponentConfig("text_encoder");
        if (Int(encoderConfig, "hidden_size") == 1024) return true;
        if (folder.Signature("text_encoder")?.Outputs.TryGetValue("last_hidden_state", out var spec) == true && spec.FixedDimension(2) == 1024) return true;
        var special = ModelFolder.ReadJson(Path.Combine(folder.TokenizerDirectory, "special_tokens_map.json"), required: false);
        var pad = special?["pad_token"] switch
        {
            JsonObject o => Text(o, "content", folder, "tokenizer/special_tokens_map.json (pad_token)"),
            JsonValue => Text(special, "pad_token", folder, "tokenizer/special_tokens_map.json"),
            _ => null,
        };
        return pad == "!";
    }

    private static string? Text(JsonObject? config, string key, ModelFolder folder, string file) => config?[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        var other => throw new EaselException($"model '{folder.Name}': {file}: \"{key}\" must be a string, not {Shorten(other.ToJsonString())}."),
    };

    private static bool? Flag(JsonObject? config, string key, ModelFolder folder) => config?[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<bool>(out var flag) => flag,
        var other => throw new EaselException($"model '{folder.Name}': model_index.json: \"{key}\" must be true or false, not {Shorten(other.ToJsonString())}."),
    };

    // Caps on what a config may ask for: beyond them a folder is broken (or hostile), not a bigger model.
    private const int MaxBlocks = 6, MaxChannels = 16, MaxSampleSize = 512;

    /// <summary>2^(blocks − 1): the down-sampling factor a block_out_channels list implies.</summary>
    private static int? BlockFactor(JsonObject? config, ModelFolder folder, string file) => config?["block_out_channels"] switch
    {
        JsonArray { Count: > 0 and <= MaxBlocks } blocks => 1 << (blocks.Count - 1),
        JsonArray { Count: 0 } or null => null,
        JsonArray blocks => throw new EaselException($"model '{folder.Name}': {file}: \"block_out_channels\" has {blocks.Count} entries; at most {MaxBlocks} are supported."),
        var other => throw new EaselException($"model '{folder.Name}': {file}: \"block_out_channels\" must be a list, not {Shorten(other.ToJsonString())}."),
    };

    private static int? Bounded(JsonObject? config, string key, int min, int max, ModelFolder folder, string file)
    {
        if (config?[key] is not { } node) return null;
        if (node is JsonValue v && v.TryGetValue<double>(out var d) && d == Math.Floor(d) && d >= min && d <= max) return (int)d;
        throw new EaselException($"model '{folder.Name}': {file}: \"{key}\" must be an integer in {min}–{max}, not {Shorten(node.ToJsonString())}.");
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..37] + "...";

    private static int? Int(JsonObject? config, string key) =>
        config?[key] is JsonValue v && v.TryGetValue<double>(out var d) && Math.Abs(d) < int.MaxValue ? (int)d : null;

    private static double? Double(JsonObject? config, string key) =>
        config?[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;
}
