using System.Buffers.Binary;
using System.Text;

namespace Easel.Engine.Provenance;

/// <summary>Raw PNG chunk surgery for what the image library does not write: an uncompressed iTXt chunk after IHDR.</summary>
public static class PngChunks
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>Returns <paramref name="png"/> with an uncompressed iTXt chunk inserted right after IHDR.</summary>
    public static byte[] InsertInternationalText(byte[] png, string keyword, string text)
    {
        const int signature = 8, ihdrChunk = 4 + 4 + 13 + 4;
        if (png.Length < signature + ihdrChunk || Encoding.ASCII.GetString(png, 12, 4) != "IHDR")
            throw new ArgumentException("not a PNG with IHDR first", nameof(png));
        // keyword NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL, UTF-8 text.
        var data = new List<byte>(Encoding.Latin1.GetBytes(keyword)) { 0, 0, 0, 0, 0 };
        data.AddRange(Encoding.UTF8.GetBytes(text));
        var chunk = new byte[12 + data.Count];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Count);
        Encoding.ASCII.GetBytes("iTXt", chunk.AsSpan(4));
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Count), Crc(chunk.AsSpan(4, 4 + data.Count)));
        int at = signature + ihdrChunk;
        return [.. png.AsSpan(0, at), .. chunk, .. png.AsSpan(at)];
    }

    /// <summary>The text of the first iTXt chunk with <paramref name="keyword"/> (uncompressed only), or null.</summary>
    public static string? ReadInternationalText(byte[] png, string keyword)
    {
        for (int at = 8; at + 12 <= png.Length;)
        {
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            if (length < 0 || at + 12 + length > png.Length) return null;
            var type = Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            if (type == "iTXt")
            {
                int nul = data.IndexOf((byte)0);
                if (nul > 0 && Encoding.Latin1.GetString(data[..nul]) == keyword && nul + 2 < data.Length && data[nul + 1] == 0)
                {
                    var rest = data[(nul + 3)..];
                    int lang = rest.IndexOf((byte)0);
                    if (lang < 0) return null;
                    rest = rest[(lang + 1)..];
                    int translated = rest.IndexOf((byte)0);
                    if (translated < 0) return null;
                    return Encoding.UTF8.GetString(rest[(translated + 1)..]);
                }
            }
            if (type == "IEND") break;
            at += 12 + length;
        }
        return null;
    }

    private static uint Crc(ReadOnlySpan<byte> bytes)
    {
        uint c = 0xFFFFFFFF;
        foreach (var b in bytes) c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFF;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
