using Easel.Engine.Models;
using Easel.Engine.Schedulers;

namespace Easel.Engine.Pipelines;

/// <summary>A request with every default filled in and every field checked.</summary>
internal sealed record ResolvedRequest(
    ModelFolder Model,
    string Prompt,
    string NegativePrompt,
    int Width,
    int Height,
    int Steps,
    double Guidance,
    double GuidanceRescale,
    string SchedulerName,
    SchedulerConfig SchedulerConfig,
    double? Eta,
    long Seed,
    int Count,
    int Previews = 0)
{
    public ModelCapabilities Capabilities => Model.Capabilities;

    /// <summary>Classifier-free guidance as a batch-2 UNet run: guidance above 1 on a model without LCM's embedding.</summary>
    public bool UsesClassifierFreeGuidance => Guidance > 1.0 && !Capabilities.IsLcm;

    public IScheduler CreateScheduler()
    {
        var scheduler = SchedulerFactory.Create(SchedulerName, SchedulerConfig);
        scheduler.SetTimesteps(Steps);
        return scheduler;
    }
}

/// <summary>Turns a request into a <see cref="ResolvedRequest"/>; errors name the field and its allowed range.</summary>
internal static class RequestResolver
{
    public const int MaxSide = 2048;
    public const int MaxSteps = 1000;
    public const int MaxCount = 16;
    public const double MaxGuidance = 100;
    public const long MaxSeed = long.MaxValue - MaxCount;
    /// <summary>Far more than the 8 × 75 tokens a prompt can use; longer text is a mistake or an attack, and is echoed in results.</summary>
    public const int MaxPromptChars = 20_000;

    public static ResolvedRequest Resolve(GenerateRequest request, ModelRegistry registry)
    {
        if (request.Prompt is null)
            throw new EaselValidationException("prompt", "is required.");
        CheckText("prompt", request.Prompt);
        CheckText("negative_prompt", request.NegativePrompt);
        var model = registry.Get(request.Model);
        var caps = model.Capabilities;

        int width = request.Width ?? caps.NativeWidth;
        int height = request.Height ?? caps.NativeHeight;
        CheckSide("width", width, caps, model.Name, caps.NativeWidth);
        CheckSide("height", height, caps, model.Name, caps.NativeHeight);

        int steps = request.Steps ?? caps.DefaultSteps;
        if (steps < 1 || steps > MaxSteps)
            throw new EaselValidationException("steps", $"{steps} is outside the allowed range 1–{MaxSteps}.");

        double guidance = request.Guidance ?? caps.DefaultGuidance;
        if (!double.IsFinite(guidance) || guidance < 0 || guidance > MaxGuidance)
            throw new EaselValidationException("guidance", $"{guidance} is outside the allowed range 0–{MaxGuidance} (1 or less disables classifier-free guidance).");
        if (!double.IsFinite(request.GuidanceRescale) || request.GuidanceRescale < 0 || request.GuidanceRescale > 1)
            throw new EaselValidationException("guidance_rescale", $"{request.GuidanceRescale} is outside the allowed range 0–1.");

        if (request.Count < 1 || request.Count > MaxCount)
            throw new EaselValidationException("count", $"{request.Count} is outside the allowed range 1–{MaxCount}.");

        if (request.Eta is { } eta && (!double.IsFinite(eta) || eta < 0 || eta > 1))
            throw new EaselValidationException("eta", $"{eta} is outside the allowed range 0–1.");

        if (request.Previews < 0 || request.Previews > MaxSteps)
            throw new EaselValidationException("previews", $"{request.Previews} is outside the allowed range 0–{MaxSteps}.");

        long seed = request.Seed ?? Random.Shared.NextInt64(0, 1L << 32);
        if (seed < 0 || seed > MaxSeed)
            throw new EaselValidationException("seed", $"{seed} is outside the allowed range 0–{MaxSeed}.");

        var config = model.SchedulerConfig with { Eta = request.Eta ?? 0 };
        string schedulerName;
        int maxSteps;
        try
        {
            var scheduler = SchedulerFactory.Create(string.IsNullOrWhiteSpace(request.Scheduler) ? caps.DefaultScheduler : request.Scheduler, config);
            schedulerName = scheduler.Name;
            maxSteps = scheduler.MaxInferenceSteps;
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            throw new EaselValidationException("scheduler", ex.Message);
        }
        if (steps > maxSteps)
            throw new EaselValidationException("steps", $"{steps} is above what the {schedulerName} scheduler of model '{model.Name}' can take: at most {maxSteps}" +
                (schedulerName == SchedulerFactory.Lcm ? " (its original_inference_steps)." : "."));

        return new ResolvedRequest(model, request.Prompt, request.NegativePrompt ?? "", width, height, steps, guidance,
            request.GuidanceRescale, schedulerName, config, request.Eta, seed, request.Count, request.Previews);
    }

    private static void CheckText(string field, string? text)
    {
        if (text is null) return;
        if (text.Length > MaxPromptChars)
            throw new EaselValidationException(field, $"{text.Length} characters is over the limit of {MaxPromptChars} (the model reads at most 8 × 75 tokens).");
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            if (char.IsSurrogate(text[i]))
                throw new EaselValidationException(field, $"contains an unpaired UTF-16 surrogate (U+{(int)text[i]:X4}) at character {i}; send valid Unicode text.");
            if (text[i] == '\0')
                throw new EaselValidationException(field, $"contains a NUL character at character {i}.");
        }
    }

    private static void CheckSide(string field, int value, ModelCapabilities caps, string model, int native)
    {
        if (caps.FixedSize)
        {
            if (value != native)
                throw new EaselValidationException(field, $"{value} is not supported: model '{model}' was exported for {caps.NativeWidth}x{caps.NativeHeight} only.");
            return;
        }
        int m = caps.SizeMultiple;
        if (value < m || value > MaxSide)
            throw new EaselValidationException(field, $"{value} is outside the allowed range {m}–{MaxSide} (a multiple of {m}).");
        if (value % m != 0)
        {
            int lower = value / m * m, upper = lower + m;
            throw new EaselValidationException(field,
                $"{value} is not a multiple of {m} for model '{model}'; nearest valid sizes: {Math.Max(m, lower)} or {Math.Min(MaxSide, upper)}.");
        }
    }
}
