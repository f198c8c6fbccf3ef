using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Easel.Engine.Pipelines;
using Easel.Engine.Vocabulary;
using Easel.McpServer.Mcp.Results;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Easel.McpServer.Mcp.Tools;

/// <summary>
/// The image tools. Annotations, the same for each and why:
/// ReadOnly = false: every call writes new PNG files.
/// Destructive = false: files get fresh unique names and nothing existing is changed or overwritten.
/// Idempotent = false: each call adds files, and without a seed each call draws a new image; even with a seed
/// (same pixels) a repeat call still writes another file, so repeating is not free of effect.
/// OpenWorld = false: everything runs locally against local files; nothing outside this machine is reached.
/// Argument names are snake_case because they are the JSON schema's property names.
/// </summary>
[McpServerToolType]
public sealed class ImageTools(ToolRunner runner)
{
    [McpServerTool(Name = "generate_image", Title = "Generate an image", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(ImageToolOutput))]
    [Description("Generates images from a text prompt with a local diffusion model. Returns a short summary, a small inline preview, an easel://images/{id} resource link and the file path of each full PNG (files are never overwritten). For long runs use start_generation.")]
    public Task<CallToolResult> GenerateImage(
        RequestContext<CallToolRequestParams> context,
        [Description(Docs.Prompt)] string prompt,
        [Description(Docs.NegativePrompt)] string? negative_prompt = null,
        [Description(Docs.Model)] string? model = null,
        [Description(Docs.Width), Range(8, Docs.MaxSide)] int? width = null,
        [Description(Docs.Height), Range(8, Docs.MaxSide)] int? height = null,
        [Description(Docs.Steps), Range(1, Docs.MaxSteps)] int? steps = null,
        [Description(Docs.Guidance), Range(0, Docs.MaxGuidance)] double? guidance = null,
        [Description(Docs.Scheduler), AllowedValues("ddim", "euler", "euler_a", "dpmpp_2m", "dpmpp_2m_karras", "lcm", "pndm")] string? scheduler = null,
        [Description(Docs.Seed), Range(0, Docs.MaxSeed)] long? seed = null,
        [Description(Docs.Count), Range(1, Docs.MaxCount)] int count = 1,
        [Description(Docs.Inline), AllowedValues("none", "preview", "full")] string inline = "preview",
        CancellationToken cancellationToken = default)
    {
        var request = ToolRunner.Request(prompt, negative_prompt, model, width, height, steps, guidance, scheduler, seed, count);
        return runner.RunAsync(context, inline, (progress, ct) => runner.Engine.GenerateAsync(request, progress, ct), cancellationToken);
    }

    [McpServerTool(Name = "restyle_image", Title = "Restyle an image (img2img)", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(ImageToolOutput))]
    [Description("Redraws an existing image toward a prompt (img2img / style transfer), keeping its composition. 'strength' sets how far it may drift. The source is never modified; results are new files.")]
    public Task<CallToolResult> RestyleImage(
        RequestContext<CallToolRequestParams> context,
        [Description(Docs.Image), MaxLength(Docs.MaxImageArgumentChars)] string image,
        [Description(Docs.Prompt)] string prompt,
        [Description(Docs.Strength + " Default 0.75."), Range(0.0, 1.0)] double? strength = null,
        [Description(Docs.Resize), AllowedValues("fit", "fill", "stretch")] string resize = "fit",
        [Description(Docs.NegativePrompt)] string? negative_prompt = null,
        [Description(Docs.Model)] string? model = null,
        [Description(Docs.Width + " Default: the source's size, rounded to a multiple of 8."), Range(8, Docs.MaxSide)] int? width = null,
        [Description(Docs.Height + " Default: the source's size, rounded to a multiple of 8."), Range(8, Docs.MaxSide)] int? height = null,
        [Description(Docs.Steps), Range(1, Docs.MaxSteps)] int? steps = null,
        [Description(Docs.Guidance), Range(0, Docs.MaxGuidance)] double? guidance = null,
        [Description(Docs.Scheduler), AllowedValues("ddim", "euler", "euler_a", "dpmpp_2m", "dpmpp_2m_karras", "lcm", "pndm")] string? scheduler = null,
        [Description(Docs.Seed), Range(0, Docs.MaxSeed)] long? seed = null,
        [Description(Docs.Count), Range(1, Docs.MaxCount)] int count = 1,
        [Description(Docs.Inline), AllowedValues("none", "preview", "full")] string inline = "preview",
        CancellationToken cancellationToken = default)
    {
        var request = new EditRequest
        {
            Generation = ToolRunner.Request(prompt, negative_prompt, model, width, height, steps, guidance, scheduler, seed, count),
            Image = ToolRunner.RequireImage(image),
            Strength = strength,
            Resize = ResizeModes.Parse(resize),
        };
        return runner.RunAsync(context, inline, (progress, ct) => runner.Engine.RestyleAsync(request, progress, ct), cancellationToken);
    }

    [McpServerTool(Name = "inpaint_image", Title = "Inpaint part of an image", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(ImageToolOutput))]
    [Description("Repaints the masked part of an image to match the prompt and blends it with the untouched rest. Give a mask (white = repaint) or an image with transparent pixels to repaint. The source is never modified.")]
    public Task<CallToolResult> InpaintImage(
        RequestContext<CallToolRequestParams> context,
        [Description(Docs.Image), MaxLength(Docs.MaxImageArgumentChars)] string image,
        [Description(Docs.Prompt + " Describe what goes in the masked area.")] string prompt,
        [Description(Docs.Mask), MaxLength(Docs.MaxImageArgumentChars)] string? mask = null,
        [Description(Docs.Strength + " Default 1.0 (repaint fully)."), Range(0.0, 1.0)] double? strength = null,
        [Description("Grow the mask by this many pixels before repainting."), Range(0, Docs.MaxMaskPixels)] int mask_grow = 0,
        [Description("Feather the blend edge over this many pixels. Default: automatic."), Range(0, Docs.MaxMaskPixels)] int? mask_feather = null,
        [Description(Docs.NegativePrompt)] string? negative_prompt = null,
        [Description(Docs.Model)] string? model = null,
        [Description(Docs.Steps), Range(1, Docs.MaxSteps)] int? steps = null,
        [Description(Docs.Guidance), Range(0, Docs.MaxGuidance)] double? guidance = null,
        [Description(Docs.Scheduler), AllowedValues("ddim", "euler", "euler_a", "dpmpp_2m", "dpmpp_2m_karras", "lcm", "pndm")] string? scheduler = null,
        [Description(Docs.Seed), Range(0, Docs.MaxSeed)] long? seed = null,
        [Description(Docs.Count), Range(1, Docs.MaxCount)] int count = 1,
        [Description(Docs.Inline), AllowedValues("none", "preview", "full")] string inline = "preview",
        CancellationToken cancellationToken = default)
    {
        var request = new EditRequest
        {
            Generation = ToolRunner.Request(prompt, negative_prompt, model, null, null, steps, guidance, scheduler, seed, count),
            Image = ToolRunner.RequireImage(image),
            Mask = string.IsNullOrWhiteSpace(mask) ? null : new ImageInput(mask),
            Strength = strength,
            MaskGrow = mask_grow,
            MaskFeather = mask_feather ?? -1,
        };
        return runner.RunAsync(context, inline, (progress, ct) => runner.Engine.InpaintAsync(request, progress, ct), cancellationToken);
    }

    [McpServerTool(Name = "outpaint_image", Title = "Extend an image's canvas (outpaint)", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(ImageToolOutput))]
    [Description("Extends an image beyond its borders: adds left/right/top/bottom pixels and paints them to continue the picture (and the prompt). At least one side must be extended. The source is never modified.")]
    public Task<CallToolResult> OutpaintImage(
        RequestContext<CallToolRequestParams> context,
        [Description(Docs.Image), MaxLength(Docs.MaxImageArgumentChars)] string image,
        [Description(Docs.Prompt + " Describe the whole extended scene.")] string prompt,
        [Description(Docs.Side), Range(0, Docs.MaxSide)] int left = 0,
        [Description(Docs.Side), Range(0, Docs.MaxSide)] int right = 0,
        [Description(Docs.Side), Range(0, Docs.MaxSide)] int top = 0,
        [Description(Docs.Side), Range(0, Docs.MaxSide)] int bottom = 0,
        [Description(Docs.Strength + " Default 0.85."), Range(0.0, 1.0)] double? strength = null,
        [Description("Feather the seam over this many pixels. Default: automatic."), Range(0, Docs.MaxMaskPixels)] int? mask_feather = null,
        [Description(Docs.NegativePrompt)] string? negative_prompt = null,
        [Description(Docs.Model)] string? model = null,
        [Description(Docs.Steps), Range(1, Docs.MaxSteps)] int? steps = null,
        [Description(Docs.Guidance), Range(0, Docs.MaxGuidance)] double? guidance = null,
        [Description(Docs.Scheduler), AllowedValues("ddim", "euler", "euler_a", "dpmpp_2m", "dpmpp_2m_karras", "lcm", "pndm")] string? scheduler = null,
        [Description(Docs.Seed), Range(0, Docs.MaxSeed)] long? seed = null,
        [Description(Docs.Count), Range(1, Docs.MaxCount)] int count = 1,
        [Description(Docs.Inline), AllowedValues("none", "preview", "full")] string inline = "preview",
        CancellationToken cancellationToken = default)
    {
        var request = new EditRequest
        {
            Generation = ToolRunner.Request(prompt, negative_prompt, model, null, null, steps, guidance, scheduler, seed, count),
            Image = ToolRunner.RequireImage(image),
            Strength = strength,
            MaskFeather = mask_feather ?? -1,
            Left = left,
            Right = right,
            Top = top,
            Bottom = bottom,
        };
        return runner.RunAsync(context, inline, (progress, ct) => runner.Engine.OutpaintAsync(request, progress, ct), cancellationToken);
    }

    [McpServerTool(Name = "create_variations", Title = "Create variations of an image", ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(ImageToolOutput))]
    [Description("Makes several variations of an image (seeds seed, seed+1, ...). The prompt defaults to the one stored in an Easel PNG. The source is never modified.")]
    public Task<CallToolResult> CreateVariations(
        RequestContext<CallToolRequestParams> context,
        [Description(Docs.Image), MaxLength(Docs.MaxImageArgumentChars)] string image,
        [Description("Optional prompt; default: the prompt embedded in an Easel PNG, else none.")] string? prompt = null,
        [Description("Number of variations."), Range(1, Docs.MaxCount)] int count = Docs.DefaultVariationCount,
        [Description(Docs.Strength + " Default 0.6."), Range(0.0, 1.0)] double? strength = null,
        [Description(Docs.NegativePrompt)] string? negative_prompt = null,
        [Description(Docs.Model)] string? model = null,
        [Description(Docs.Steps), Range(1, Docs.MaxSteps)] int? steps = null,
        [Description(Docs.Guidance), Range(0, Docs.MaxGuidance)] double? guidance = null,
        [Description(Docs.Scheduler), AllowedValues("ddim", "euler", "euler_a", "dpmpp_2m", "dpmpp_2m_karras", "lcm", "pndm")] string? scheduler = null,
        [Description(Docs.Seed), Range(0, Docs.MaxSeed)] long? seed = null,
        [Description(Docs.Inline), AllowedValues("none", "preview", "full")] string inline = "preview",
        CancellationToken cancellationToken = default)
    {
        var request = new EditRequest
        {
            Generation = ToolRunner.Request(prompt, negative_prompt, model, null, null, steps, guidance, scheduler, seed, count),
            Image = ToolRunner.RequireImage(image),
            Strength = strength,
        };
        return runner.RunAsync(context, inline, (progress, ct) => runner.Engine.VaryAsync(request, progress, ct), cancellationToken);
    }
}
