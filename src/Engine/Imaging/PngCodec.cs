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

    /// <summary>Largest text value read back; longer ones (and compressed zTXt/iTXt, which Easel never writes) are skipped.</summary>
    public const int MaxTextBytes = 1 << 20;

    /// <summary>
    /// Reads the uncompressed text chunks of a PNG (keyword → value, first wins) by walking its chunks, without
    /// decoding pixels or inflating anything, so a text-chunk bomb costs nothing.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ReadText(byte[] png)
    {
        var text = new Dictionary<string, string>(StringComparer.Ordinal);
        ReadOnlySpan<byte> signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (png.Length < 8 || !png.AsSpan(0, 8).SequenceEqual(signature)) return text;
        for (long at = 8; at + 12 <= png.Length;)
        {
            long length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan((int)at, 4));
            var type = System.Text.Encoding.ASCII.GetString(png, (int)at + 4, 4);
            long data = at + 8;
            if (length > png.Length - data - 4) break; // truncated
            if (length <= MaxTextBytes && type is "tEXt" or "iTXt")
                ReadTextChunk(png.AsSpan((int)data, (int)length), type == "iTXt", text);
            if (type == "IEND") break;
            at = data + length + 4;
        }
        return text;
    }

    private static void ReadTextChunk(ReadOnlySpan<byte> chunk, bool international, Dictionary<string, string> text)
    {
        int nul = chunk.IndexOf((byte)0);
        if (nul <= 0 || nul > 79) return;
        var keyword = System.Text.Encoding.Latin1.GetString(chunk[..nul]);
        var rest = chunk[(nul + 1)..];
        string value;
        if (!international)
            value = System.Text.Encoding.Latin1.GetString(rest);
        else
        {
            // iTXt: compression flag, method, language tag NUL, translated keyword NUL, UTF-8 text.
            if (rest.Length < 2 || rest[0] != 0) return; // compressed: skipped
            rest = rest[2..];
            for (int field = 0; field < 2; field++)
            {
                int end = rest.IndexOf((byte)0);
                if (end < 0) return;
                rest = rest[(end + 1)..];
            }
            value = System.Text.Encoding.UTF8.GetString(rest);
        }
        text.TryAdd(keyword, value);
    }

    public static ImageMetadata? ReadMetadata(byte[] png) =>
        ReadText(png).TryGetValue(JsonKeyword, out var json) ? ImageMetadata.FromJson(json) : null;
}
