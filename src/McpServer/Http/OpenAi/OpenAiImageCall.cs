using Easel.Engine;
using Easel.Engine.Imaging;
using Easel.Engine.Pipelines;
using Easel.McpServer.Mcp.Tools;

namespace Easel.McpServer.Http.OpenAi;

/// <summary>
/// One OpenAI images request, parsed: the engine request it becomes, its source images and how to answer.
/// Ranges are the engine's; only the API's own vocabulary (size, response_format, partial_images 0–3) is checked here.
/// </summary>
internal sealed record OpenAiImageCall
{
    public const int MaxPartialImages = 3;

    public required EditOperation? Operation { get; init; } // null: text-to-image
    public required GenerateRequest Generation { get; init; }
    public IReadOnlyList<byte[]> Images { get; init; } = [];
    public byte[]? Mask { get; init; }
    public double? Strength { get; init; }
    public required string ResponseFormat { get; init; }
    public required string OutputFormat { get; init; }
    public int? Compression { get; init; }
    public bool Stream { get; init; }
    public required string Route { get; init; }

    /// <summary>The event type prefix of a streamed response ("image_generation" or "image_edit").</summary>
    public string EventPrefix => Operation is null ? "image_generation" : "image_edit";

    public static OpenAiImageCall Generate(ApiFields fields) =>
        Common(fields, null, "/v1/images/generations", fields.String("prompt") ?? throw new EaselValidationException("prompt", "is required."));

    /// <summary>Edits: a mask (transparent = edit, as OpenAI documents) inpaints; without one the images are restyled.</summary>
    public static async Task<OpenAiImageCall> EditAsync(ApiFields fields, EaselEngine engine, CancellationToken ct)
    {
        var prompt = fields.String("prompt") ?? throw new EaselValidationException("prompt", "is required.");
        var images = await ReadImagesAsync(fields, engine, ct).ConfigureAwait(false);
        var maskFile = fields.Files("mask") is [var firstMask, ..] ? firstMask : null;
        byte[]? mask = maskFile is null ? null : await ReadAsync(maskFile, ct).ConfigureAwait(false);
        var call = Common(fields, mask is null ? EditOperation.Restyle : EditOperation.Inpaint, "/v1/images/edits", prompt);
        return call with { Images = images, Mask = mask, Strength = fields.Double("strength") };
    }

    public static async Task<OpenAiImageCall> VaryAsync(ApiFields fields, EaselEngine engine, CancellationToken ct)
    {
        var images = await ReadImagesAsync(fields, engine, ct).ConfigureAwait(false);
        var call = Common(fields, EditOperation.Variations, "/v1/images/variations", fields.String("prompt") ?? "");
        if (call.Stream) throw new EaselValidationException("stream", "is not offered for variations (generations and edits stream).");
        return call with { Images = images, Strength = fields.Double("strength") };
    }

    private static OpenAiImageCall Common(ApiFields fields, EditOperation? operation, string route, string prompt)
    {
        var (width, height) = ParseSize(fields.String("size"));
        var responseFormat = (fields.String("response_format") ?? "b64_json").Trim();
        if (responseFormat is not ("b64_json" or "url"))
            throw new EaselValidationException("response_format", $"'{responseFormat}' is not one of b64_json, url.");
        int? compression = fields.Int("output_compression");
        if (compression is < 0 or > 100)
            throw new EaselValidationException("output_compression", $"{compression} is outside the allowed range 0–100.");
        bool stream = fields.Bool("stream") ?? false;
        int partial = fields.Int("partial_images") ?? 0;
        if (partial is < 0 or > MaxPartialImages)
            throw new EaselValidationException("partial_images", $"{partial} is outside the allowed range 0–{MaxPartialImages}.");
        var generation = ToolRunner.Request(prompt, fields.String("negative_prompt"), ModelName(fields.String("model")), width, height,
            fields.Int("steps"), fields.Double("guidance_scale"), fields.String("scheduler"), fields.Long("seed"), fields.Int("n") ?? 1);
        return new OpenAiImageCall
        {
            Operation = operation,
            Generation = generation with { Previews = stream ? partial : 0 },
            ResponseFormat = responseFormat,
            OutputFormat = ImageFormats.Parse(fields.String("output_format")),
            Compression = compression,
            Stream = stream,
            Route = route,
        };
    }

    /// <summary>"WxH" or "auto"/absent (the model's native size, or the source image's for edits).</summary>
    public static (int? Width, int? Height) ParseSize(string? size)
    {
        if (string.IsNullOrWhiteSpace(size) || size.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase)) return (null, null);
        var parts = size.Trim().Split('x', 'X');
        if (parts.Length == 2 && int.TryParse(parts[0], out int w) && int.TryParse(parts[1], out int h))
            return (w, h);
        throw new EaselValidationException("size", $"'{size}' is not WIDTHxHEIGHT (e.g. 512x512) or auto.");
    }

    /// <summary>OpenAI's own model names (what clients send by default) select Easel's default model.</summary>
    private static string? ModelName(string? model) =>
        model is not null && (model.StartsWith("dall-e", StringComparison.OrdinalIgnoreCase) || model.StartsWith("gpt-image", StringComparison.OrdinalIgnoreCase))
            ? null
            : model;

    /// <summary>The uploaded images (field "image", several as "image" or "image[]"), each checked before any work.</summary>
    private static async Task<IReadOnlyList<byte[]>> ReadImagesAsync(ApiFields fields, EaselEngine engine, CancellationToken ct)
    {
        var files = fields.Files("image");
        if (files.Count == 0)
            throw new EaselValidationException("image", "is required: upload one or more image files (PNG, JPEG, WebP) as multipart field 'image'.");
        var images = new List<byte[]>();
        foreach (var file in files)
        {
            var bytes = await ReadAsync(file, ct).ConfigureAwait(false);
            ImageLoader.Decode(bytes, engine.Options.MaxImagePixels, "image").Dispose();
            images.Add(bytes);
        }
        return images;
    }

    private static async Task<byte[]> ReadAsync(Microsoft.AspNetCore.Http.IFormFile file, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct).ConfigureAwait(false);
        return buffer.ToArray();
    }
}
