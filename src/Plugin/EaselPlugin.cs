using System.ComponentModel;
using Easel.Engine;
using Easel.Engine.Pipelines;
using Easel.Engine.Text;
using Easel.Engine.Vocabulary;
using Microsoft.SemanticKernel;

namespace Easel.Plugin;

/// <summary>
/// Semantic Kernel functions over one <see cref="EaselEngine"/>. Thin by design: each function maps its arguments to
/// an engine request and presents the result; validation, defaults and image resolution all live in the engine.
/// Image arguments accept a file path, a file:// URI, a data URI, or the id / easel://images/{id} of an earlier result.
/// </summary>
public sealed partial class EaselPlugin
{
    public const string DefaultName = "easel";

    private const string ImageArgument =
        "The source image: a file path, a file:// URI, a data URI, or the id or easel://images/{id} URI of an earlier result.";
    private const string ModelArgument = "Model name from list_models; omit for the default model.";
    private const string SeedArgument = "Seed for a reproducible result (same seed and settings give the same image); omit for a random one.";
    private const string StepsArgument = "Denoising steps, 1–{0}; omit for the model's default (more is slower and usually finer).";
    private const string GuidanceArgument = "How strongly to follow the prompt (classifier-free guidance, 0–{0}); omit for the model's default.";
    private const string NegativeArgument = "What to keep out of the image; ignored by Turbo and LCM models.";

    private readonly EaselEngine _engine;
    private readonly EaselPluginOptions _options;

    public EaselPlugin(EaselEngine engine, EaselPluginOptions? options = null)
    {
        _engine = engine ?? throw new ArgumentNullException(nameof(engine));
        _options = options ?? new EaselPluginOptions();
    }

    [KernelFunction("generate_image")]
    [Description("Generates images from a text description with a local diffusion model and saves them as PNG files. " +
                 "Returns JSON with each image's file path, file:// URI, id, seed and size, and a one-line summary.")]
    public Task<object> GenerateImageAsync(
        [Description("What the image shows: subject, style, lighting; short comma-separated phrases work best.")] string prompt,
        [Description(NegativeArgument)] string? negative_prompt = null,
        [LimitDescription("Width in pixels, a multiple of 8 up to {0}; omit for the model's native size.", EaselLimits.MaxSide)] int? width = null,
        [LimitDescription("Height in pixels, a multiple of 8 up to {0}; omit for the model's native size.", EaselLimits.MaxSide)] int? height = null,
        [LimitDescription(StepsArgument, EaselLimits.MaxSteps)] int? steps = null,
        [LimitDescription(GuidanceArgument, EaselLimits.MaxGuidance)] double? guidance = null,
        [Description(SeedArgument)] long? seed = null,
        [LimitDescription("How many images to make (1–{0}); image i uses seed + i.", EaselLimits.MaxCount)] int count = EaselLimits.DefaultCount,
        [Description(ModelArgument)] string? model = null,
        [Description("Sampler: pndm, ddim, euler, euler_a, dpmpp_2m, dpmpp_2m_karras or lcm; omit for the model's default.")] string? scheduler = null,
        CancellationToken cancellationToken = default)
    {
        var request = new GenerateRequest
        {
            Prompt = prompt,
            NegativePrompt = negative_prompt,
            Width = width,
            Height = height,
            Steps = steps,
            Guidance = guidance,
            Seed = seed,
            Count = count,
            Model = model,
            Scheduler = scheduler,
        };
        return RunAsync(() => _engine.GenerateAsync(request, null, cancellationToken));
    }

    [KernelFunction("restyle_image")]
    [Description("Redraws an existing image toward a new prompt or style (image-to-image), keeping its composition. " +
                 "Returns JSON with the new file's path, file:// URI, id and seed.")]
    public Task<object> RestyleImageAsync(
        [Description(ImageArgument)] string image,
        [Description("What the result should look like.")] string prompt,
        [Description("How much to change, 0–1: 0 keeps the image, 1 ignores it; default 0.75.")] double? strength = null,
        [Description(NegativeArgument)] string? negative_prompt = null,
        [LimitDescription("Output width in pixels (a multiple of 8 up to {0}); omit to keep the image's size.", EaselLimits.MaxSide)] int? width = null,
        [LimitDescription("Output height in pixels (a multiple of 8 up to {0}); omit to keep the image's size.", EaselLimits.MaxSide)] int? height = null,
        [Description("How a differently shaped image is fitted to width/height: fit (letterbox, default), fill (crop) or stretch.")] string? resize = null,
        [LimitDescription(StepsArgument, EaselLimits.MaxSteps)] int? steps = null,
        [LimitDescription(GuidanceArgument, EaselLimits.MaxGuidance)] double? guidance = null,
        [Description(SeedArgument)] long? seed = null,
        [Description(ModelArgument)] string? model = null,
        CancellationToken cancellationToken = default)
    {
        var request = new EditRequest
        {
            Generation = new GenerateRequest { Prompt = prompt, NegativePrompt = negative_prompt, Width = width, Height = height, Steps = steps, Guidance = guidance, Seed = seed, Model = model },
            Image = image,
            Strength = strength,
        };
        return RunAsync(() => _engine.RestyleAsync(request with { Resize = ResizeModes.Parse(resize) }, null, cancellationToken));
    }

    [KernelFunction("inpaint_image")]
    [Description("Repaints part of an image: the area a mask marks (white = repaint), or the transparent pixels of an RGBA image when no mask is given. " +
                 "Returns JSON with the new file's path, file:// URI, id and seed.")]
    public Task<object> InpaintImageAsync(
        [Description(ImageArgument)] string image,
        [Description("What to paint into the masked area.")] string prompt,
        [Description("The mask, given like image: white marks what to repaint, black what to keep. Omit to repaint the image's transparent pixels.")] string? mask = null,
        [Description(NegativeArgument)] string? negative_prompt = null,
        [Description("How much the masked area may change, 0–1; default 1.")] double? strength = null,
        [LimitDescription("Grow the mask by this many pixels first (0–{0}); default 0.", EaselLimits.MaxMaskPixels)] int mask_grow = 0,
        [LimitDescription("Blend the repainted edge over this many pixels (0–{0}); omit for the default.", EaselLimits.MaxMaskPixels)] int? mask_feather = null,
        [LimitDescription(StepsArgument, EaselLimits.MaxSteps)] int? steps = null,
        [LimitDescription(GuidanceArgument, EaselLimits.MaxGuidance)] double? guidance = null,
        [Description(SeedArgument)] long? seed = null,
        [Description(ModelArgument)] string? model = null,
        CancellationToken cancellationToken = default)
    {
        var request = new EditRequest
        {
            Generation = new GenerateRequest { Prompt = prompt, NegativePrompt = negative_prompt, Steps = steps, Guidance = guidance, Seed = seed, Model = model },
            Image = image,
            Mask = mask is null ? null : new ImageInput(mask),
            Strength = strength,
            MaskGrow = mask_grow,
        };
        if (mask_feather is { } feather) request = request with { MaskFeather = feather };
        return RunAsync(() => _engine.InpaintAsync(request, null, cancellationToken));
    }

    [KernelFunction("outpaint_image")]
    [Description("Extends an image beyond its borders: adds the given pixels on each side and paints the new area to match. " +
                 "Returns JSON with the new file's path, file:// URI, id, seed and size.")]
    public Task<object> OutpaintImageAsync(
        [Description(ImageArgument)] string image,
        [Description("Pixels to add on the left (a multiple of 8).")] int left = 0,
        [Description("Pixels to add on the right (a multiple of 8).")] int right = 0,
        [Description("Pixels to add at the top (a multiple of 8).")] int top = 0,
        [Description("Pixels to add at the bottom (a multiple of 8).")] int bottom = 0,
        [Description("What the extended scene shows; describe the whole picture.")] string prompt = "",
        [Description(NegativeArgument)] string? negative_prompt = null,
        [Description("How much the new area may depart from the stretched edge colours, 0–1; default 0.85.")] double? strength = null,
        [LimitDescription(StepsArgument, EaselLimits.MaxSteps)] int? steps = null,
        [LimitDescription(GuidanceArgument, EaselLimits.MaxGuidance)] double? guidance = null,
        [Description(SeedArgument)] long? seed = null,
        [Description(ModelArgument)] string? model = null,
        CancellationToken cancellationToken = default)
    {
        var request = new EditRequest
        {
            Generation = new GenerateRequest { Prompt = prompt, NegativePrompt = negative_prompt, Steps = steps, Guidance = guidance, Seed = seed, Model = model },
            Image = image,
            Strength = strength,
            Left = left,
            Right = right,
            Top = top,
            Bottom = bottom,
        };
        return RunAsync(() => _engine.OutpaintAsync(request, null, cancellationToken));
    }

    [KernelFunction("create_variations")]
    [Description("Makes variations of an image: same composition and subject, different details (one per seed). " +
                 "Returns JSON with each new file's path, file:// URI, id and seed.")]
    public Task<object> CreateVariationsAsync(
        [Description(ImageArgument)] string image,
        [LimitDescription("How many variations (1–{0}); default {1}.", EaselLimits.MaxCount, EaselLimits.DefaultVariationCount)] int count = EaselLimits.DefaultVariationCount,
        [Description("How far variations may drift, 0–1; default 0.6.")] double? strength = null,
        [Description("Prompt to steer the variations; omit to reuse the prompt stored in an Easel PNG.")] string? prompt = null,
        [Description(NegativeArgument)] string? negative_prompt = null,
        [LimitDescription(StepsArgument, EaselLimits.MaxSteps)] int? steps = null,
        [LimitDescription(GuidanceArgument, EaselLimits.MaxGuidance)] double? guidance = null,
        [Description("Seed of the first variation (the others use seed + 1, seed + 2, …); omit for a random one.")] long? seed = null,
        [Description(ModelArgument)] string? model = null,
        CancellationToken cancellationToken = default)
    {
        var request = new EditRequest
        {
            Generation = new GenerateRequest { Prompt = prompt ?? "", NegativePrompt = negative_prompt, Steps = steps, Guidance = guidance, Seed = seed, Count = count, Model = model },
            Image = image,
            Strength = strength,
        };
        return RunAsync(() => _engine.VaryAsync(request, null, cancellationToken));
    }

    [KernelFunction("list_models")]
    [Description("Lists the local image models (name, family, native size, default steps and guidance, whether each can inpaint or is a few-step Turbo/LCM model), " +
                 "the samplers, and the style presets compose_prompt accepts. Returns JSON.")]
    public string ListModels()
    {
        try
        {
            return ResultJson.Serialize(ModelListing.From(_engine));
        }
        catch (EaselException ex)
        {
            throw new KernelException(ex.Message, ex);
        }
    }

    [KernelFunction("compose_prompt")]
    [Description("Builds a prompt and negative prompt tuned for a model from structured fields and an optional named style preset " +
                 "(photographic, cinematic, watercolor, oil-painting, line-art, pixel-art, anime, 3d-render, flat-illustration; see list_models). " +
                 "Orders the fields by importance, trims to the model's 75-token window and reports the token count. Returns JSON; pass its prompt and negative_prompt to generate_image.")]
    public string ComposePrompt(
        [Description("What the image shows (required), e.g. 'a lighthouse on a cliff'.")] string subject,
        [Description("A style preset name, or a style in words.")] string? style = null,
        [Description("The medium, e.g. 'oil on canvas', 'pencil sketch'.")] string? medium = null,
        [Description("The lighting, e.g. 'golden hour', 'soft studio light'.")] string? lighting = null,
        [Description("The composition or framing, e.g. 'wide shot', 'close-up portrait'.")] string? composition = null,
        [Description("The mood, e.g. 'serene', 'ominous'.")] string? mood = null,
        [Description("Things to avoid, comma separated; merged with the preset's negatives.")] string? negatives = null,
        [Description("Model to tune for (list_models); omit for the default model.")] string? model = null)
    {
        try
        {
            var parts = new PromptParts { Subject = subject, Style = style, Medium = medium, Lighting = lighting, Composition = composition, Mood = mood, Negatives = negatives };
            return ResultJson.Serialize(_engine.ComposePrompt(parts, model));
        }
        catch (EaselException ex)
        {
            throw new KernelException(ex.Message, ex);
        }
    }

    /// <summary>Runs an engine call and presents the result; engine errors become <see cref="KernelException"/>s with the engine's message.</summary>
    private async Task<object> RunAsync(Func<Task<GenerationResult>> run)
    {
        GenerationResult result;
        try
        {
            result = await run().ConfigureAwait(false);
        }
        catch (EaselException ex)
        {
            throw new KernelException(ex.Message, ex);
        }
        var json = ResultJson.Serialize(ImageResultSummary.From(result));
        return _options.ReturnImageContent ? ImageContents.From(result.Images[0], result.Model, json) : json;
    }
}
