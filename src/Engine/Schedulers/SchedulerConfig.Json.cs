using System.Text.Json;

namespace Easel.Engine.Schedulers;

public sealed partial record SchedulerConfig
{
    /// <summary>Reads a diffusers <c>scheduler_config.json</c>. Unknown keys are ignored; missing or null keys keep the defaults.</summary>
    public static SchedulerConfig Load(string schedulerConfigJsonPath) =>
        FromJson(File.ReadAllText(schedulerConfigJsonPath));

    /// <inheritdoc cref="Load"/>
    public static SchedulerConfig FromJson(string json)
    {
        var options = new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };
        using var document = JsonDocument.Parse(json, options);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new FormatException("A scheduler config must be a JSON object.");

        var fields = new JsonFields(document.RootElement);
        var d = new SchedulerConfig();
        return new SchedulerConfig
        {
            ClassName = fields.String("_class_name") ?? d.ClassName,
            NumTrainTimesteps = fields.Int("num_train_timesteps") ?? d.NumTrainTimesteps,
            BetaStart = fields.Double("beta_start") ?? d.BetaStart,
            BetaEnd = fields.Double("beta_end") ?? d.BetaEnd,
            BetaSchedule = fields.String("beta_schedule") ?? d.BetaSchedule,
            PredictionType = fields.String("prediction_type") ?? d.PredictionType,
            TimestepSpacing = fields.String("timestep_spacing") ?? d.TimestepSpacing,
            StepsOffset = fields.Int("steps_offset") ?? d.StepsOffset,
            SetAlphaToOne = fields.Bool("set_alpha_to_one") ?? d.SetAlphaToOne,
            ClipSample = fields.Bool("clip_sample") ?? d.ClipSample,
            ClipSampleRange = fields.Double("clip_sample_range") ?? d.ClipSampleRange,
            SkipPrkSteps = fields.Bool("skip_prk_steps") ?? d.SkipPrkSteps,
            UseKarrasSigmas = fields.Bool("use_karras_sigmas") ?? d.UseKarrasSigmas,
            OriginalInferenceSteps = fields.Int("original_inference_steps") ?? d.OriginalInferenceSteps,
            TimestepScaling = fields.Double("timestep_scaling") ?? d.TimestepScaling,
            RescaleBetasZeroSnr = fields.Bool("rescale_betas_zero_snr") ?? d.RescaleBetasZeroSnr,
        };
    }

    /// <summary>Typed, null-tolerant access to one JSON object; a present value of the wrong type is an error.</summary>
    private readonly struct JsonFields(JsonElement root)
    {
        public string? String(string key) =>
            Get(key) is { } e ? e.ValueKind == JsonValueKind.String ? e.GetString() : throw WrongType(key, "a string") : null;

        public bool? Bool(string key) => Get(key) switch
        {
            null => null,
            { ValueKind: JsonValueKind.True } => true,
            { ValueKind: JsonValueKind.False } => false,
            _ => throw WrongType(key, "true or false"),
        };

        public double? Double(string key) =>
            Get(key) is { } e ? e.ValueKind == JsonValueKind.Number ? e.GetDouble() : throw WrongType(key, "a number") : null;

        public int? Int(string key)
        {
            if (Get(key) is not { } e)
                return null;
            if (e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int value))
                return value;
            // Some configs write integers as 1.0.
            if (e.ValueKind == JsonValueKind.Number && e.GetDouble() is var d && d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue)
                return (int)d;
            throw WrongType(key, "an integer");
        }

        private JsonElement? Get(string key) =>
            root.TryGetProperty(key, out var e) && e.ValueKind != JsonValueKind.Null ? e : null;

        private static FormatException WrongType(string key, string expected) =>
            new($"Scheduler config key '{key}' must be {expected}.");
    }
}
