using System.Text.Json;

namespace Easel.Engine.Schedulers;

public sealed partial record SchedulerConfig
{
    /// <summary>The largest num_train_timesteps a config may ask for (real models use 1000); caps the tables built.</summary>
    public const int MaxTrainTimesteps = 100_000;

    /// <summary>The largest scheduler_config.json read (real ones are under 1 KB).</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>
    /// Reads a diffusers <c>scheduler_config.json</c>. Unknown keys are ignored; missing or null keys keep the
    /// defaults (null for the class-dependent ones). A malformed file or a value Easel cannot run throws an
    /// <see cref="EaselException"/> naming the file, the key and what is allowed.
    /// </summary>
    public static SchedulerConfig Load(string schedulerConfigJsonPath)
    {
        var info = new FileInfo(schedulerConfigJsonPath);
        if (info.Exists && info.Length > MaxFileBytes)
            throw new EaselException($"{schedulerConfigJsonPath}: {info.Length} bytes, over the {MaxFileBytes} byte limit for a scheduler config.");
        string json;
        try
        {
            json = File.ReadAllText(schedulerConfigJsonPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EaselException($"{schedulerConfigJsonPath}: cannot be read ({ex.Message}).", ex);
        }
        return FromJson(json, schedulerConfigJsonPath);
    }

    /// <inheritdoc cref="Load"/>
    /// <param name="json">The file's text.</param>
    /// <param name="source">How errors name the file.</param>
    public static SchedulerConfig FromJson(string json, string source = "scheduler_config.json")
    {
        ArgumentNullException.ThrowIfNull(json);
        var options = new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 16 };
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, options);
        }
        catch (JsonException ex)
        {
            throw new EaselException($"{source}: not valid JSON (line {ex.LineNumber + 1}): {ex.Message}", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new EaselException($"{source}: must be a JSON object, not {Describe(document.RootElement.ValueKind)}.");

            var f = new JsonFields(document.RootElement, source);
            var d = new SchedulerConfig();
            int trainSteps = f.Int("num_train_timesteps", 2, MaxTrainTimesteps) ?? d.NumTrainTimesteps;
            if (f.Has("trained_betas"))
                throw f.Error("trained_betas", "is not supported: give beta_start, beta_end and beta_schedule instead (or null)");
            var config = new SchedulerConfig
            {
                ClassName = f.String("_class_name") ?? d.ClassName,
                NumTrainTimesteps = trainSteps,
                BetaStart = f.Double("beta_start", 0, 1, "a number above 0 and below 1") ?? d.BetaStart,
                BetaEnd = f.Double("beta_end", 0, 1, "a number above 0 and below 1") ?? d.BetaEnd,
                BetaSchedule = f.OneOf("beta_schedule", "linear", "scaled_linear", "squaredcos_cap_v2") ?? d.BetaSchedule,
                PredictionType = f.OneOf("prediction_type", "epsilon", "v_prediction", "sample") ?? d.PredictionType,
                TimestepSpacing = f.OneOf("timestep_spacing", Schedulers.TimestepSpacing.Leading,
                    Schedulers.TimestepSpacing.Trailing, Schedulers.TimestepSpacing.Linspace),
                StepsOffset = f.Int("steps_offset", 0, trainSteps - 1),
                SetAlphaToOne = f.Bool("set_alpha_to_one"),
                ClipSample = f.Bool("clip_sample"),
                ClipSampleRange = f.Double("clip_sample_range", 0, double.MaxValue, "a positive number") ?? d.ClipSampleRange,
                SkipPrkSteps = f.Bool("skip_prk_steps") ?? d.SkipPrkSteps,
                UseKarrasSigmas = f.Bool("use_karras_sigmas") ?? d.UseKarrasSigmas,
                OriginalInferenceSteps = f.Int("original_inference_steps", 1, trainSteps) ?? d.OriginalInferenceSteps,
                TimestepScaling = f.Double("timestep_scaling", 0, double.MaxValue, "a positive number") ?? d.TimestepScaling,
                RescaleBetasZeroSnr = f.Bool("rescale_betas_zero_snr") ?? d.RescaleBetasZeroSnr,
            };
            if (config.OriginalInferenceSteps > trainSteps)
                throw f.Error("original_inference_steps", $"is {config.OriginalInferenceSteps}; allowed 1–{trainSteps} (num_train_timesteps)");
            return config;
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    /// <summary>Typed, null-tolerant access to one JSON object; a present value of the wrong type or range is an error.</summary>
    private readonly struct JsonFields(JsonElement root, string source)
    {
        public bool Has(string key) => Get(key) is not null;

        public string? String(string key) =>
            Get(key) is { } e ? e.ValueKind == JsonValueKind.String ? e.GetString() : throw WrongType(key, e, "a string") : null;

        public string? OneOf(string key, params string[] allowed)
        {
            string? value = String(key);
            if (value is not null && Array.IndexOf(allowed, value) < 0)
                throw Error(key, $"is '{Shorten(value)}'; allowed: {string.Join(", ", allowed)}");
            return value;
        }

        public bool? Bool(string key) => Get(key) switch
        {
            null => null,
            { ValueKind: JsonValueKind.True } => true,
            { ValueKind: JsonValueKind.False } => false,
            { } e => throw WrongType(key, e, "true or false"),
        };

        /// <summary>A finite number strictly between <paramref name="min"/> and <paramref name="max"/>.</summary>
        public double? Double(string key, double min, double max, string allowed)
        {
            if (Get(key) is not { } e)
                return null;
            if (e.ValueKind != JsonValueKind.Number)
                throw WrongType(key, e, allowed);
            double value = e.GetDouble();
            if (!double.IsFinite(value) || value <= min || value >= max)
                throw Error(key, $"is {e.GetRawText()}; allowed: {allowed}");
            return value;
        }

        public int? Int(string key, int min, int max)
        {
            if (Get(key) is not { } e)
                return null;
            string allowed = $"an integer {min}–{max}";
            if (e.ValueKind != JsonValueKind.Number)
                throw WrongType(key, e, allowed);
            // Some configs write integers as 1.0.
            double value = e.GetDouble();
            if (value != Math.Floor(value))
                throw Error(key, $"is {Shorten(e.GetRawText())}; allowed: {allowed}");
            if (!double.IsFinite(value) || value < min || value > max)
                throw Error(key, $"is {Shorten(e.GetRawText())}; allowed: {allowed}");
            return (int)value;
        }

        public EaselException Error(string key, string message) => new($"{source}: '{key}' {message}.");

        private EaselException WrongType(string key, JsonElement e, string allowed) =>
            Error(key, $"is {Describe(e.ValueKind)}; allowed: {allowed}");

        private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

        private JsonElement? Get(string key) =>
            root.TryGetProperty(key, out var e) && e.ValueKind != JsonValueKind.Null ? e : null;
    }
}
