using Easel.Engine;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Webp;

namespace Easel.McpServer.Http;

/// <summary>The output formats the image APIs offer. PNG is the stored file itself (with Easel's metadata).</summary>
internal static class ImageFormats
{
    public static readonly string[] Names = ["png", "jpeg", "webp"];

    public static string Parse(string? value, string field = "output_format")
    {
        var name = (value ?? "png").Trim().ToLowerInvariant();
        if (name == "jpg") name = "jpeg";
        return Names.Contains(name) ? name : throw new EaselValidationException(field, $"'{value}' is not one of {string.Join(", ", Names)}.");
    }

    public static string MediaType(string format) => "image/" + format;

    /// <summary>The PNG bytes converted to <paramref name="format"/> (quality 0–100 for jpeg/webp).</summary>
    public static byte[] Convert(byte[] png, string format, int? quality = null)
    {
        if (format == "png") return png;
        using var image = Image.Load(png);
        using var output = new MemoryStream();
        if (format == "jpeg") image.SaveAsJpeg(output, new JpegEncoder { Quality = quality ?? 90 });
        else image.SaveAsWebp(output, new WebpEncoder { Quality = quality ?? 90 });
        return output.ToArray();
    }
}
