using System.Buffers.Binary;

namespace Easel.Consumer.Tests;

/// <summary>Reads a PNG's size from its IHDR chunk (enough to check what a consumer got, without an image library).</summary>
public static class Png
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static (int Width, int Height) Size(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 33 && bytes.AsSpan(0, 8).SequenceEqual(Signature), $"{path} is not a PNG");
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    /// <summary>Every PNG under a folder.</summary>
    public static string[] In(string folder) =>
        Directory.Exists(folder) ? Directory.GetFiles(folder, "*.png", SearchOption.AllDirectories) : [];
}
