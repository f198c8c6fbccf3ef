using System.Security.Cryptography;
using System.Text;

namespace Easel.Engine.Provenance;

/// <summary>
/// The 48 bits Easel hides in an image: a 16-bit tag (0xEA5E, "Easel"), an 8-bit format version and 24 bits of
/// SHA-256 of the model name. The tag and version are known to any detector; the model bits identify the model
/// only to someone who can hash candidate names.
/// </summary>
public sealed record WatermarkPayload(int FormatVersion, int ModelHash)
{
    public const int Bits = 48;

    /// <summary>The bits every Easel watermark shares (tag + version), which a detector checks without the original.</summary>
    public const int KnownBits = 24;

    public const int Tag = 0xEA5E;
    public const int CurrentVersion = 1;

    public static WatermarkPayload ForModel(string model) => new(CurrentVersion, HashModel(model));

    /// <summary>First 24 bits of SHA-256 of the model name (UTF-8).</summary>
    public static int HashModel(string model)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(model));
        return (hash[0] << 16) | (hash[1] << 8) | hash[2];
    }

    public bool[] ToBits()
    {
        long value = ((long)Tag << 32) | ((long)(FormatVersion & 0xFF) << 24) | (uint)(ModelHash & 0xFFFFFF);
        var bits = new bool[Bits];
        for (int i = 0; i < Bits; i++) bits[i] = ((value >> (Bits - 1 - i)) & 1) == 1;
        return bits;
    }

    public static WatermarkPayload FromBits(IReadOnlyList<bool> bits)
    {
        long value = 0;
        for (int i = 0; i < Bits; i++) value = (value << 1) | (bits[i] ? 1L : 0L);
        return new WatermarkPayload((int)((value >> 24) & 0xFF), (int)(value & 0xFFFFFF));
    }
}
