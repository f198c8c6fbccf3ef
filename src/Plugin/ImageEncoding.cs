using Easel.Engine;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Webp;

namespace Easel.Plugin;

/// <summary>
/// The output formats an <see cref="Microsoft.Extensions.AI.IImageGenerator"/> caller may ask for. The engine always
/// saves a PNG (with its generation parameters); JPEG and WebP are encoded from it on request.
/// </summary>
internal static class ImageEncoding
{
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";
    public const string Webp = "image/webp";

    /// <summary>The canonical media type for a requested one (null = PNG); unsupported types fail naming the choices.</summary>
    public static string Normalize(string? mediaType) => mediaType?.Trim().ToLowerInvariant() switch
    {
        null or "" or Png => Png,
        Jpeg or "image/jpg" => Jpeg,
        Webp => Webp,
        _ => throw new EaselValidationException("media_type", $"'{mediaType}' is not supported; use {Png}, {Jpeg} or {Webp}."),
    };

    public static string Extension(string mediaType) => mediaType switch
    {
        Jpeg => ".jpg",
        Webp => ".webp",
        _ => ".png",
    };

    /// <summary>The PNG re-encoded as <paramref name="mediaType"/> (the PNG itself when that is PNG).</summary>
    public static byte[] Encode(byte[] png, string mediaType)
    {
        if (mediaType == Png) return png;
        IImageEncoder encoder = mediaType == Jpeg
            ? new JpegEncoder { Quality = 92 }
            : new WebpEncoder { FileFormat = WebpFileFormatType.Lossy, Quality = 90 };
        using var image = Image.Load(png);
        using var output = new MemoryStream();
        image.Save(output, encoder);
        return output.ToArray();
    }
}
