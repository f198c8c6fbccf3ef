using System.Text.Json;
using Easel.Engine;
using Easel.Engine.Pipelines;
using Easel.McpServer.Mcp.Tools;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Easel.McpServer.Http.A1111;

/// <summary>
/// A txt2img or img2img body in A1111's shape, parsed into an engine request. Absent steps, cfg_scale, width and height
/// take the model's defaults (A1111's 50/7/512×512 would be wrong for turbo or 64-pixel models); seed −1 draws one here
/// so that info can list the seeds even of an interrupted run.
/// </summary>
internal sealed record A1111Call
{
    public required string Kind { get; init; }
    public required EditOperation? Operation { get; init; }
    public required GenerateRequest Generation { get; init; }
    public required long RequestedSeed { get; init; }
    public required int BatchSize { get; init; }
    public required int Iterations { get; init; }
    public required string? SamplerName { get; init; }
    public required bool SendImages { get; init; }
    public EditRequest? Edit { get; init; }
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public static A1111Call Parse(ApiFields fields, bool img2img, string? checkpoint, int previews)
    {
        var warnings = new List<string>();
        int batch = AtLeastOne(fields, "batch_size"), iterations = AtLeastOne(fields, "n_iter");
        long requestedSeed = fields.Long("seed") ?? -1;
        long seed = requestedSeed == -1 ? Random.Shared.NextInt64(0, 1L << 32) : requestedSeed;
        var samplerName = fields.String("sampler_name") ?? fields.String("sampler_index");
        var scheduler = A1111Samplers.Resolve(samplerName, fields.String("scheduler"));
        var model = Checkpoint(fields) ?? checkpoint;
        if (fields.Bool("enable_hr") == true) warnings.Add("enable_hr: the hires. fix is not offered by Easel; the image is generated at width × height.");
        if (fields.Bool("restore_faces") == true) warnings.Add("restore_faces: not offered by Easel; ignored.");

        var generation = ToolRunner.Request(fields.String("prompt") ?? "", fields.String("negative_prompt"), model, fields.Int("width"), fields.Int("height"),
            fields.Int("steps"), fields.Double("cfg_scale"), scheduler, seed, batch * iterations) with
        { Previews = previews };
        var call = new A1111Call
        {
            Kind = img2img ? "img2img" : "txt2img",
            Operation = null,
            Generation = generation,
            RequestedSeed = requestedSeed,
            BatchSize = batch,
            Iterations = iterations,
            SamplerName = samplerName,
            SendImages = fields.Bool("send_images") ?? true,
            Warnings = warnings,
        };
        if (!img2img) return call;

        var images = fields.Strings("init_images");
        if (images is null || images.Count == 0)
            throw new EaselValidationException("init_images", "is required: a list with one base64 image (data URI or bare base64).");
        if (images.Count > 1) warnings.Add($"init_images: {images.Count} given; Easel edits the first.");
        var mask = fields.String("mask") is { Length: > 0 } maskText ? Base64Image(maskText, "mask") : null;
        if (mask is not null && fields.Int("inpainting_mask_invert") is { } invert)
        {
            if (invert is not (0 or 1)) throw new EaselValidationException("inpainting_mask_invert", $"{invert} is not 0 (inpaint masked) or 1 (inpaint not masked).");
            if (invert == 1) mask = Inverted(mask);
        }
        int fill = fields.Int("inpainting_fill") ?? 1;
        if (fill is < 0 or > 3) throw new EaselValidationException("inpainting_fill", $"{fill} is outside the allowed range 0–3 (fill, original, latent noise, latent nothing).");
        if (mask is not null && fill != 1) warnings.Add($"inpainting_fill: {fill} is treated as 1 (original): Easel starts the masked area from the noised original.");
        var operation = mask is null ? EditOperation.Restyle : EditOperation.Inpaint;
        return call with
        {
            Operation = operation,
            Edit = new EditRequest
            {
                Generation = generation,
                Image = ImageInput.FromBytes(Base64Image(images[0], "init_images")),
                Mask = mask is null ? null : ImageInput.FromBytes(mask),
                Strength = fields.Double("denoising_strength") ?? 0.75,
                Resize = ResizeMode(fields.Int("resize_mode") ?? 0),
                MaskFeather = mask is null ? -1 : fields.Int("mask_blur") ?? 4,
            },
        };
    }

    private static int AtLeastOne(ApiFields fields, string name)
    {
        int value = fields.Int(name) ?? 1;
        return value >= 1 ? value : throw new EaselValidationException(name, $"{value} must be at least 1.");
    }

    /// <summary>override_settings.sd_model_checkpoint: the per-request model A1111 scripts set.</summary>
    private static string? Checkpoint(ApiFields fields) =>
        fields.Json("override_settings") is { ValueKind: JsonValueKind.Object } overrides
        && overrides.TryGetProperty("sd_model_checkpoint", out var name) && name.ValueKind == JsonValueKind.String
            ? A1111Endpoints.ModelOfTitle(name.GetString()!)
            : null;

    /// <summary>A1111's resize_mode: 0 just resize, 1 crop and resize, 2 resize and fill, 3 latent upscale (as 0).</summary>
    private static Engine.Pipelines.ResizeMode ResizeMode(int mode) => mode switch
    {
        0 or 3 => Engine.Pipelines.ResizeMode.Stretch,
        1 => Engine.Pipelines.ResizeMode.Fill,
        2 => Engine.Pipelines.ResizeMode.Fit,
        _ => throw new EaselValidationException("resize_mode", $"{mode} is outside the allowed range 0–3."),
    };

    /// <summary>Bare base64 or a data URI, decoded here: a text reference is never read as a path on this machine.</summary>
    public static byte[] Base64Image(string text, string field)
    {
        int comma = text.StartsWith("data:", StringComparison.OrdinalIgnoreCase) ? text.IndexOf(',') : -1;
        var payload = comma >= 0 ? text[(comma + 1)..] : text;
        try
        {
            return Convert.FromBase64String(payload.Trim());
        }
        catch (FormatException)
        {
            throw new EaselValidationException(field, "is not base64 image data (bare base64 or a data:image/...;base64, URI).");
        }
    }

    private static byte[] Inverted(byte[] mask)
    {
        Image<L8> image;
        try
        {
            image = Image.Load<L8>(mask);
        }
        catch (Exception ex) when (ex is UnknownImageFormatException or InvalidImageContentException or ImageFormatException)
        {
            throw new EaselValidationException("mask", $"is not a readable image ({ex.Message}).");
        }
        using var _ = image;
        image.Mutate(c => c.Invert());
        using var output = new MemoryStream();
        image.SaveAsPng(output);
        return output.ToArray();
    }
}
