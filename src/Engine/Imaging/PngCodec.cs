using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using Easel.Engine.Provenance;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Engine.Imaging;

/// <summary>PNG encoding with Easel's two text chunks (A1111 <c>parameters</c>, the full JSON under <c>easel</c>) and an XMP AI-content label.</summary>
public static class PngCodec
{
    public const string ParametersKeyword = "parameters";
    public const string JsonKeyword = "easel";

    /// <summary>
    /// An 8-bit RGB PNG: IHDR, the XMP label (iTXt), the two text chunks (tEXt, or iTXt for non-ASCII text), one IDAT
    /// (every row Paeth-filtered, deflated by the runtime's zlib) and IEND. Written here rather than by the image
    /// library because its managed deflate was most of the cost of saving a small image.
    /// </summary>
    public static byte[] Encode(Image<Rgb24> image, ImageMetadata? metadata)
    {
        ArgumentNullException.ThrowIfNull(image);
        int width = image.Width, height = image.Height, stride = width * 3;
        var pixels = new byte[stride * height];
        image.CopyPixelDataTo(pixels);

        using var png = new MemoryStream((stride * height / 2) + 4096);
        png.Write(Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: RGB
        // header[10..13]: deflate, adaptive filtering, no interlace (all 0)
        PngChunks.Write(png, "IHDR", header);
        if (metadata is not null)
        {
            // AI-content label (IPTC DigitalSourceType in XMP) before the parameters: what platforms and exiftool read.
            PngChunks.WriteText(png, XmpLabel.PngKeyword, XmpLabel.Build(metadata, DateTimeOffset.UtcNow), international: true);
            // Plain tEXt where the text allows it: what A1111 readers expect.
            WriteText(png, ParametersKeyword, metadata.ToA1111Parameters());
            WriteText(png, JsonKeyword, metadata.ToJson());
        }
        PngChunks.Write(png, "IDAT", Deflate(FilterRows(pixels, stride, height)));
        PngChunks.Write(png, "IEND", []);
        return png.ToArray();
    }

    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static void WriteText(Stream png, string keyword, string text) =>
        PngChunks.WriteText(png, keyword, text, international: !System.Text.Ascii.IsValid(text));

    /// <summary>Each row behind its filter-type byte, Paeth-filtered (type 4) against the row above.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot on every saved image; tier-0 code tripled its cost
    private static byte[] FilterRows(byte[] pixels, int stride, int height)
    {
        const int bpp = 3;
        var filtered = new byte[(stride + 1) * height];
        for (int y = 0; y < height; y++)
        {
            var row = pixels.AsSpan(y * stride, stride);
            var target = filtered.AsSpan((y * (stride + 1)) + 1, stride);
            filtered[y * (stride + 1)] = 4;
            if (y == 0)
            {
                // No row above: the predictor is the left neighbour.
                row[..bpp].CopyTo(target);
                for (int x = bpp; x < stride; x++) target[x] = (byte)(row[x] - row[x - bpp]);
                continue;
            }
            var above = pixels.AsSpan((y - 1) * stride, stride);
            for (int x = 0; x < bpp; x++) target[x] = (byte)(row[x] - above[x]); // Paeth(0, b, 0) = b
            for (int x = bpp; x < stride; x++)
                target[x] = (byte)(row[x] - Paeth(row[x - bpp], above[x], above[x - bpp]));
        }
        return filtered;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static byte[] Deflate(byte[] data)
    {
        using var compressed = new MemoryStream((data.Length / 2) + 64);
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            zlib.Write(data);
        return compressed.ToArray();
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
