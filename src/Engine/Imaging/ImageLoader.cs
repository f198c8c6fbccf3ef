using System.Security.Cryptography;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Pbm;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Engine.Imaging;

/// <summary>A decoded source image: RGB pixels, its transparency (if any) and the SHA-256 of the bytes it came from.</summary>
public sealed class LoadedImage(Image<Rgb24> rgb, byte[]? alpha, string sha256, string format) : IDisposable
{
    public Image<Rgb24> Rgb { get; } = rgb;
    /// <summary>Per-pixel alpha (row-major), or null when the image is fully opaque.</summary>
    public byte[]? Alpha { get; } = alpha;
    public string Sha256 { get; } = sha256;
    public string Format { get; } = format;
    public int Width => Rgb.Width;
    public int Height => Rgb.Height;
    public void Dispose() => Rgb.Dispose();
}

/// <summary>
/// Decodes untrusted images defensively: identify first (format and size without decoding pixels), refuse
/// anything over the pixel cap, decode only the first frame of animations, and convert grayscale, CMYK, palette,
/// 16-bit and alpha images to 8-bit RGB (keeping alpha separately for inpainting masks).
/// </summary>
public static class ImageLoader
{
    private static readonly Configuration FirstFrameOnly = CreateConfiguration();

    private static Configuration CreateConfiguration()
    {
        // A configuration of its own: Configuration.Default.Clone() shares the default's format manager, so the
        // decoders set below would strip metadata from every other ImageSharp reader in the process.
        var config = new Configuration(new PngConfigurationModule(), new JpegConfigurationModule(), new GifConfigurationModule(),
            new BmpConfigurationModule(), new PbmConfigurationModule(), new TgaConfigurationModule(), new TiffConfigurationModule(),
            new WebpConfigurationModule());
        // Metadata is never needed for pixels and is where bombs hide (a zTXt/iTXt chunk can inflate to gigabytes):
        // every decoder that can skip it does. The embedded prompt is read by PngCodec's capped reader instead.
        config.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First, IgnoreMetadata = true });
        config.ImageFormatsManager.SetDecoder(TiffFormat.Instance, new TiffDecoder { DecodingMode = FrameDecodingMode.First, IgnoreMetadata = true });
        config.ImageFormatsManager.SetDecoder(PngFormat.Instance, new PngDecoder { IgnoreMetadata = true });
        config.ImageFormatsManager.SetDecoder(JpegFormat.Instance, new JpegDecoder { IgnoreMetadata = true });
        config.ImageFormatsManager.SetDecoder(WebpFormat.Instance, new WebpDecoder { IgnoreMetadata = true });
        return config;
    }

    public static LoadedImage Decode(byte[] bytes, long maxPixels, string field = "image")
    {
        IImageInfo? info;
        SixLabors.ImageSharp.Formats.IImageFormat? format;
        try
        {
            info = Image.Identify(FirstFrameOnly, bytes, out format);
        }
        catch (Exception ex) when (ex is ImageFormatException or InvalidImageContentException or NotSupportedException)
        {
            throw new EaselValidationException(field, $"the image data is truncated or corrupt ({ex.Message}).");
        }
        if (info is null || format is null)
            throw new EaselValidationException(field, "is not a recognised image (PNG, JPEG, GIF, BMP, TIFF, TGA, WebP or PBM).");
        long pixels = (long)info.Width * info.Height;
        if (info.Width <= 0 || info.Height <= 0)
            throw new EaselValidationException(field, "has no pixels.");
        if (pixels > maxPixels)
            throw new EaselValidationException(field,
                $"{info.Width}x{info.Height} is {pixels / 1e6:F1} megapixels, over the {maxPixels / 1e6:F1} megapixel limit; downscale it first.");

        Image<Rgba32> decoded;
        try
        {
            decoded = Image.Load<Rgba32>(FirstFrameOnly, bytes);
        }
        catch (Exception ex) when (ex is ImageFormatException or InvalidImageContentException or NotSupportedException or UnknownImageFormatException)
        {
            throw new EaselValidationException(field, $"the image data is truncated or corrupt ({ex.Message}).");
        }
        using (decoded)
        {
            using var first = decoded.Frames.Count > 1 ? decoded.Frames.CloneFrame(0) : decoded.Clone();
            var rgb = new Image<Rgb24>(first.Width, first.Height);
            var alpha = new byte[first.Width * first.Height];
            bool anyTransparent = false;
            first.ProcessPixelRows(rgb, (src, dst) =>
            {
                for (int y = 0; y < src.Height; y++)
                {
                    var s = src.GetRowSpan(y);
                    var d = dst.GetRowSpan(y);
                    for (int x = 0; x < s.Length; x++)
                    {
                        d[x] = new Rgb24(s[x].R, s[x].G, s[x].B);
                        alpha[y * s.Length + x] = s[x].A;
                        anyTransparent |= s[x].A < 255;
                    }
                }
            });
            return new LoadedImage(rgb, anyTransparent ? alpha : null, Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant(), format.Name);
        }
    }
}
