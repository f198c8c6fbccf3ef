using System.Buffers.Binary;
using System.Text;

namespace Easel.Engine.Provenance;

/// <summary>PNG chunks: writing any chunk (with its CRC) and text chunks, and reading an uncompressed iTXt back.</summary>
public static class PngChunks
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>One chunk: length, type, data, CRC of type and data.</summary>
    public static void Write(Stream png, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(head, (uint)data.Length);
        Encoding.ASCII.GetBytes(type, head[4..]);
        uint crc = Crc(data, Crc(head[4..], 0xFFFFFFFF)) ^ 0xFFFFFFFF;
        png.Write(head);
        png.Write(data);
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(tail, crc);
        png.Write(tail);
    }

    /// <summary>
    /// A text chunk: tEXt (Latin-1) or, when <paramref name="international"/>, an uncompressed iTXt (UTF-8, no
    /// language tag or translated keyword).
    /// </summary>
    public static void WriteText(Stream png, string keyword, string text, bool international)
    {
        var name = Encoding.Latin1.GetBytes(keyword);
        var value = international ? Encoding.UTF8.GetBytes(text) : Encoding.Latin1.GetBytes(text);
        // iTXt: keyword NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL, text.
        int separator = international ? 5 : 1;
        var data = new byte[name.Length + separator + value.Length];
        name.CopyTo(data, 0);
        value.CopyTo(data, name.Length + separator);
        Write(png, international ? "iTXt" : "tEXt", data);
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

    /// <summary>CRC-32 (ISO 3309, as PNG uses) continued from <paramref name="c"/>; the caller inverts the final value.</summary>
    private static uint Crc(ReadOnlySpan<byte> bytes, uint c)
    {
        foreach (var b in bytes) c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c;
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
