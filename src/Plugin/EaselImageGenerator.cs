using System.Drawing;
using Easel.Engine;
using Easel.Engine.Pipelines;
using Easel.Engine.Vocabulary;
using Microsoft.Extensions.AI;

namespace Easel.Plugin;

/// <summary>
/// Microsoft.Extensions.AI's <see cref="IImageGenerator"/> over the engine. A request without
/// <see cref="ImageGenerationRequest.OriginalImages"/> is text-to-image; with one it is image-to-image, or inpainting
/// when <c>AdditionalProperties["mask"]</c> is set (<c>"operation"</c> = outpaint or variations picks those edits).
/// Options honoured: Count, ImageSize, MediaType (PNG, JPEG, WebP), ResponseFormat (Data, Uri, Hosted = Easel image
/// id), ModelId, and AdditionalProperties seed, steps, guidance, negative_prompt, scheduler, strength, mask, resize,
/// mask_grow, mask_feather, left, right, top, bottom. Every image is also saved as a PNG in the output folder; each
/// returned content's AdditionalProperties carry its id, uri (easel://images/{id}), path, file_uri, seed, width and
/// height — the names every Easel surface uses. OpenAI-style keys (n, size, response_format) are refused.
/// </summary>
public sealed class EaselImageGenerator : IImageGenerator
{
    public const string ProviderName = "easel";

    private readonly EaselEngine _engine;
    private readonly ImageGeneratorMetadata _metadata;

    public EaselImageGenerator(EaselEngine engine)
    {
        _engine = engine ?? throw new ArgumentNullException(nameof(engine));
        var defaultModel = engine.Models.List().FirstOrDefault(m => m.IsDefault)?.Name ?? engine.Options.DefaultModel;
        _metadata = new ImageGeneratorMetadata(ProviderName, null, defaultModel);
    }

    public async Task<ImageGenerationResponse> GenerateAsync(ImageGenerationRequest request, ImageGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var mediaType = ImageEncoding.Normalize(options?.MediaType);
        var format = options?.ResponseFormat ?? ImageGenerationResponseFormat.Data;
        var extra = new ExtraOptions(options?.AdditionalProperties);
        // OpenAI-style names have typed options here (Count, ImageSize, ResponseFormat); refused in the bag, as everywhere.
        if (options?.AdditionalProperties is { } bag) OpenAiAliases.Reject(bag.Keys);
        var generation = new GenerateRequest
        {
            Prompt = request.Prompt ?? "",
            NegativePrompt = extra.String("negative_prompt"),
            Model = options?.ModelId,
            Width = options?.ImageSize is Size s ? s.Width : null,
            Height = options?.ImageSize is Size t ? t.Height : null,
            Steps = extra.Int("steps"),
            Guidance = extra.Double("guidance") ?? extra.Double("guidance_scale"),
            Scheduler = extra.String("scheduler"),
            Seed = extra.Long("seed"),
            Count = options?.Count ?? EaselLimits.DefaultCount,
        };

        var originals = request.OriginalImages?.ToList() ?? [];
        var result = originals.Count switch
        {
            0 => await _engine.GenerateAsync(generation, null, cancellationToken).ConfigureAwait(false),
            1 => await EditAsync(generation, options?.Count is null, ContentInputs.From(originals[0], "original_images"), extra, cancellationToken).ConfigureAwait(false),
            _ => throw new EaselValidationException("original_images", $"{originals.Count} images given; Easel edits one image per request."),
        };
        var contents = result.Images.Select(image => ToContent(image, mediaType, format)).ToList();
        return new ImageGenerationResponse(contents) { RawRepresentation = result };
    }

    private Task<GenerationResult> EditAsync(GenerateRequest generation, bool defaultCount, ImageInput image, ExtraOptions extra, CancellationToken ct)
    {
        var mask = extra.Raw("mask") is { } m ? ContentInputs.From(m, "mask") : null;
        var operation = extra.String("operation") is { } named
            ? ImageOperations.ParseEdit(named)
            : mask is null ? EditOperation.Restyle : EditOperation.Inpaint;
        if (operation == EditOperation.Variations && defaultCount)
            generation = generation with { Count = EaselLimits.DefaultVariationCount };
        var edit = new EditRequest
        {
            Generation = generation,
            Image = image,
            Mask = mask,
            Strength = extra.Double("strength"),
            Resize = ResizeModes.Parse(extra.String("resize")),
            MaskGrow = extra.Int("mask_grow") ?? 0,
            MaskFeather = extra.Int("mask_feather") ?? -1,
            Left = extra.Int("left") ?? 0,
            Right = extra.Int("right") ?? 0,
            Top = extra.Int("top") ?? 0,
            Bottom = extra.Int("bottom") ?? 0,
        };
        return _engine.EditAsync(operation, edit, null, ct);
    }

    private static AIContent ToContent(GeneratedImage image, string mediaType, ImageGenerationResponseFormat format)
    {
        AIContent content;
        if (format == ImageGenerationResponseFormat.Hosted)
        {
            // The engine's image id: the plugin, the MCP server and later edits all accept it.
            content = new HostedFileContent(image.Id) { MediaType = ImageEncoding.Png, Name = Path.GetFileName(image.Path) };
        }
        else
        {
            var png = File.ReadAllBytes(image.Path);
            var bytes = ImageEncoding.Encode(png, mediaType);
            if (format == ImageGenerationResponseFormat.Uri)
            {
                var path = mediaType == ImageEncoding.Png ? image.Path : WriteSibling(image.Path, bytes, ImageEncoding.Extension(mediaType));
                content = new UriContent(new Uri(path), mediaType);
            }
            else
            {
                content = new DataContent(bytes, mediaType) { Name = Path.GetFileNameWithoutExtension(image.Path) + ImageEncoding.Extension(mediaType) };
            }
        }
        content.AdditionalProperties = new AdditionalPropertiesDictionary
        {
            ["id"] = image.Id,
            ["uri"] = image.Stored.ResourceUri,
            ["path"] = image.Path,
            ["file_uri"] = image.Stored.FileUri.AbsoluteUri,
            ["seed"] = image.Seed,
            ["width"] = image.Width,
            ["height"] = image.Height,
        };
        return content;
    }

    /// <summary>Saves a re-encoded copy beside the PNG (same unique stem, so nothing is overwritten).</summary>
    private static string WriteSibling(string pngPath, byte[] bytes, string extension)
    {
        var path = Path.ChangeExtension(pngPath, extension);
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        file.Write(bytes);
        return path;
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ImageGeneratorMetadata)) return _metadata;
        if (serviceType == typeof(EaselEngine)) return _engine;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>The engine belongs to whoever created it (the DI container, usually), so there is nothing to release.</summary>
    public void Dispose() { }

    /// <summary>AdditionalProperties read leniently (numbers may arrive as strings or JSON); keys are case-insensitive.</summary>
    private sealed class ExtraOptions(AdditionalPropertiesDictionary? properties)
    {
        public object? Raw(string key)
        {
            if (properties is null) return null;
            if (properties.TryGetValue(key, out var value)) return value;
            foreach (var (k, v) in properties)
                if (string.Equals(k, key, StringComparison.OrdinalIgnoreCase)) return v;
            return null;
        }

        public int? Int(string key) => LooseValue.Int(Raw(key), key);
        public long? Long(string key) => LooseValue.Long(Raw(key), key);
        public double? Double(string key) => LooseValue.Double(Raw(key), key);
        public string? String(string key) => LooseValue.String(Raw(key), key);
    }
}
