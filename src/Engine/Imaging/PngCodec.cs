using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Engine.Imaging;

/// <summary>PNG encoding with Easel's two text chunks (A1111 <c>parameters</c>, the full JSON under <c>easel</c>) and an XMP AI-content label.</summary>
public static class PngCodec
{
    public const string ParametersKeyword = "parameters";
    public const string JsonKeyword = "easel";

    public static byte[] Encode(Image<Rgb24> image, ImageMetadata? metadata)
    {
        using var copy = image.Clone();
        var png = copy.Metadata.GetPngMetadata();
        png.TextData.Clear();
        if (metadata is not null)
        {
            png.TextData.Add(new PngTextData(ParametersKeyword, metadata.ToA1111Parameters(), "", ""));
            png.TextData.Add(new PngTextData(JsonKeyword, metadata.ToJson(), "", ""));
        }
        using var stream = new MemoryStream();
        copy.Save(stream, new PngEncoder
        {
            ColorType = PngColorType.Rgb,
            BitDepth = PngBitDepth.Bit8,
            TextCompressionThreshold = int.MaxValue, // keep plain tEXt chunks: what A1111 readers expect
        });
        // AI-content label (IPTC DigitalSourceType in XMP) beside the parameters: what platforms and exiftool read.
        return metadata is null ? stream.ToArray()
            : Provenance.PngChunks.InsertInternationalText(stream.ToArray(), Provenance.XmpLabel.PngKeyword, Provenance.XmpLabel.Build(metadata, DateTimeOffset.UtcNow));
    }

    /// <summary>Reads the text chunks of a PNG (keyword → value).</summary>
    public static IReadOnlyDictionary<string, string> ReadText(byte[] png)
    {
        using var image = Image.Load<Rgb24>(png);
        return image.Metadata.GetPngMetadata().TextData
            .GroupBy(t => t.Keyword).ToDictionary(g => g.Key, g => g.First().Value);
    }

    public static ImageMetadata? ReadMetadata(byte[] png) =>
        ReadText(png).TryGetValue(JsonKeyword, out var json) ? ImageMetadata.FromJson(json) : null;
}
