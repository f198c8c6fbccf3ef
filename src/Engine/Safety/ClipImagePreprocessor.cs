using System.Text.Json.Nodes;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Easel.Engine.Safety;

/// <summary>
/// CLIP's image preprocessing as a <c>preprocessor_config.json</c> (transformers' CLIPImageProcessor) describes it:
/// resize the shortest side (bicubic), centre crop, rescale, normalise with image_mean/std; output CHW floats.
/// Absent keys take CLIP ViT's values, which is what the safety checkers diffusers ships use.
/// </summary>
internal sealed class ClipImagePreprocessor
{
    private static readonly float[] ClipMean = [0.48145466f, 0.4578275f, 0.40821073f];
    private static readonly float[] ClipStd = [0.26862954f, 0.26130258f, 0.27577711f];

    public int ShortestEdge { get; init; } = 224;
    public bool DoResize { get; init; } = true;
    public bool DoCenterCrop { get; init; } = true;
    public int CropWidth { get; init; } = 224;
    public int CropHeight { get; init; } = 224;
    public bool DoRescale { get; init; } = true;
    public float RescaleFactor { get; init; } = 1 / 255f;
    public bool DoNormalize { get; init; } = true;
    public float[] Mean { get; init; } = ClipMean;
    public float[] Std { get; init; } = ClipStd;

    /// <summary>Reads <paramref name="path"/> when it exists (else CLIP's defaults); a malformed file is an error naming it.</summary>
    public static ClipImagePreprocessor Load(string path)
    {
        if (!File.Exists(path)) return new ClipImagePreprocessor();
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new FormatException("not a JSON object");
            int shortest = Size(json["size"], "shortest_edge") ?? 224;
            int cropH = Size(json["crop_size"], "height") ?? shortest, cropW = Size(json["crop_size"], "width") ?? cropH;
            var mean = Floats(json["image_mean"]) ?? ClipMean;
            var std = Floats(json["image_std"]) ?? ClipStd;
            if (mean.Length != 3 || std.Length != 3 || std.Any(s => s <= 0) || shortest <= 0 || cropH <= 0 || cropW <= 0)
                throw new FormatException("image_mean/image_std need 3 values (std > 0) and sizes must be positive");
            return new ClipImagePreprocessor
            {
                ShortestEdge = shortest,
                DoResize = json["do_resize"]?.GetValue<bool>() ?? true,
                DoCenterCrop = json["do_center_crop"]?.GetValue<bool>() ?? true,
                CropWidth = cropW,
                CropHeight = cropH,
                DoRescale = json["do_rescale"]?.GetValue<bool>() ?? true,
                RescaleFactor = (float)(json["rescale_factor"]?.GetValue<double>() ?? (1 / 255.0)),
                DoNormalize = json["do_normalize"]?.GetValue<bool>() ?? true,
                Mean = mean,
                Std = std,
            };
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            throw new EaselException($"safety checker: {path} is not a valid CLIP preprocessor config: {ex.Message}", ex);
        }
    }

    /// <summary>The [3, CropHeight, CropWidth] input for one image (or the resized size when cropping is off).</summary>
    public (float[] Data, int Height, int Width) Process(Image<Rgb24> image)
    {
        using var resized = image.Clone(ctx =>
        {
            if (!DoResize) return;
            int w = image.Width, h = image.Height;
            // transformers: the short side becomes ShortestEdge, the long side int(ShortestEdge * long / short).
            var size = w <= h ? new Size(ShortestEdge, (int)((long)ShortestEdge * h / w)) : new Size((int)((long)ShortestEdge * w / h), ShortestEdge);
            ctx.Resize(size.Width, size.Height, KnownResamplers.Bicubic);
        });
        int outH = DoCenterCrop ? CropHeight : resized.Height, outW = DoCenterCrop ? CropWidth : resized.Width;
        int top = (resized.Height - outH) / 2, left = (resized.Width - outW) / 2; // negative: padded with zeros
        float scale = DoRescale ? RescaleFactor : 1f;
        var data = new float[3 * outH * outW];
        for (int y = 0; y < outH; y++)
            for (int x = 0; x < outW; x++)
            {
                int sy = y + top, sx = x + left;
                var p = sy >= 0 && sy < resized.Height && sx >= 0 && sx < resized.Width ? resized[sx, sy] : default;
                Span<float> rgb = [p.R * scale, p.G * scale, p.B * scale];
                for (int c = 0; c < 3; c++)
                    data[(c * outH * outW) + (y * outW) + x] = DoNormalize ? (rgb[c] - Mean[c]) / Std[c] : rgb[c];
            }
        return (data, outH, outW);
    }

    private static int? Size(JsonNode? node, string key) => node switch
    {
        null => null,
        JsonObject o => o[key]?.GetValue<int>() ?? (o["height"] ?? o["shortest_edge"])?.GetValue<int>(),
        _ => node.GetValue<int>(),
    };

    private static float[]? Floats(JsonNode? node) => node switch
    {
        null => null,
        JsonArray a => a.Select(v => (float)v!.GetValue<double>()).ToArray(),
        _ => [(float)node.GetValue<double>(), (float)node.GetValue<double>(), (float)node.GetValue<double>()],
    };
}
