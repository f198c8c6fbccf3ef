using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Processing;

namespace Easel.McpServer.Mcp.Results;

/// <summary>An encoded inline image.</summary>
internal sealed record InlineImage(byte[] Bytes, string MimeType, int Width, int Height);

/// <summary>
/// Makes the small inline copy of a result: at most <see cref="MaxSide"/> pixels on the longest side and at most
/// a byte budget. PNG first (lossless, what small images already are); JPEG and smaller sizes when over budget.
/// </summary>
internal static class PreviewEncoder
{
    public const int MaxSide = 512;
    private const int MinSide = 32;

    /// <summary>The preview, or null when nothing of at least <see cref="MinSide"/> pixels fits the budget.</summary>
    public static InlineImage? Encode(byte[] png, int width, int height, long maxBytes)
    {
        if (Math.Max(width, height) <= MaxSide && png.Length <= maxBytes)
            return new InlineImage(png, "image/png", width, height);

        using var image = Image.Load(png);
        double scale = Math.Min(1.0, (double)MaxSide / Math.Max(image.Width, image.Height));
        bool jpeg = false;
        while (true)
        {
            int w = Math.Max(1, (int)Math.Round(image.Width * scale)), h = Math.Max(1, (int)Math.Round(image.Height * scale));
            if (Math.Max(w, h) < MinSide) return null;
            using var resized = image.Clone(x => x.Resize(w, h, KnownResamplers.Lanczos3));
            resized.Metadata.ExifProfile = null;
            using var stream = new MemoryStream();
            if (jpeg) resized.SaveAsJpeg(stream, new JpegEncoder { Quality = 80 });
            else resized.SaveAsPng(stream, new PngEncoder { CompressionLevel = PngCompressionLevel.BestCompression });
            if (stream.Length <= maxBytes)
                return new InlineImage(stream.ToArray(), jpeg ? "image/jpeg" : "image/png", w, h);
            if (!jpeg) jpeg = true;      // photographic content compresses far better as JPEG
            else scale *= 0.7;
        }
    }
}
