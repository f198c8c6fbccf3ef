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
        var className = folder.ModelIndex["_class_name"]?.GetValue<string>() ?? "";
        var scheduler = folder.SchedulerConfig;

        var sample = unet.Inputs.TryGetValue("sample", out var s) ? s
            : throw new EaselException($"Model '{folder.Name}': unet/model.onnx has no 'sample' input (inputs: {string.Join(", ", unet.Inputs.Keys)}).");
        bool isXl = folder.HasComponent("text_encoder_2") || className.Contains("XL", StringComparison.Ordinal) || unet.HasInput("text_embeds");
        bool isRefiner = isXl && unet.HasInput("time_ids") && unet.Inputs["time_ids"].FixedDimension(1) == 5;
        var family = isXl ? ModelFamily.SDXL : IsSd2(folder) ? ModelFamily.SD2 : ModelFamily.SD1;

        int inChannels = sample.FixedDimension(1) ?? Int(unetConfig, "in_channels") ?? 4;
        int latentChannels = unet.Outputs.Values.First().FixedDimension(1)
            ?? vaeDecoder.Inputs.Values.First().FixedDimension(1) ?? Int(vaeConfig, "latent_channels") ?? 4;
        bool isLcm = unet.HasInput("timestep_cond");
        int condDim = isLcm ? unet.Inputs["timestep_cond"].FixedDimension(1) ?? Int(unetConfig, "time_cond_proj_dim") ?? 256 : 0;

        int vaeFactor = vaeConfig?["block_out_channels"] is JsonArray blocks && blocks.Count > 0 ? 1 << (blocks.Count - 1) : 8;
        float scaling = (float?)Double(vaeConfig, "scaling_factor") ?? (family == ModelFamily.SDXL ? 0.13025f : 0.18215f);

        string id = (folder.Name + " " + (folder.ModelIndex["_name_or_path"]?.ToString() ?? "")).ToLowerInvariant();
        bool trailingEuler = scheduler.TimestepSpacing == "trailing" && scheduler.ClassName.StartsWith("Euler", StringComparison.Ordinal);
        bool isTurbo = !isLcm && (id.Contains("turbo") || id.Contains("lightning") || trailingEuler);

        int? fixedH = sample.FixedDimension(2), fixedW = sample.FixedDimension(3);
        int defaultLatent = Int(unetConfig, "sample_size")
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
                : unetConfig?["block_out_channels"] is JsonArray unetBlocks && unetBlocks.Count > 0 ? 1 << (unetBlocks.Count - 1) : 8,
            NativeWidth = (fixedW ?? defaultLatent) * vaeFactor,
            NativeHeight = (fixedH ?? defaultLatent) * vaeFactor,
            FixedSize = fixedH is not null && fixedW is not null,
            MaxTokens = 77,
            HasVaeEncoder = folder.HasComponent("vae_encoder"),
            DefaultScheduler = easel?["scheduler"]?.GetValue<string>() ?? defaultScheduler,
            DefaultSteps = Int(easel, "steps") ?? (isTurbo ? 1 : isLcm ? 4 : 25),
            DefaultGuidance = Double(easel, "guidance") ?? (isTurbo ? 0.0 : isLcm ? 8.5 : 7.5),
            ForceZerosForEmptyPrompt = folder.ModelIndex["force_zeros_for_empty_prompt"]?.GetValue<bool>() ?? family == ModelFamily.SDXL,
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
            JsonObject o => o["content"]?.GetValue<string>(),
            JsonValue v => v.GetValue<string>(),
            _ => null,
        };
        return pad == "!";
    }

    private static int? Int(JsonObject? config, string key) =>
        config?[key] is JsonValue v && v.TryGetValue<double>(out var d) ? (int)d : null;

    private static double? Double(JsonObject? config, string key) =>
        config?[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;
}
