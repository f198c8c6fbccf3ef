namespace Easel.Engine.Provenance;

/// <summary>
/// What <see cref="InvisibleWatermark.Detect"/> read from an image. <see cref="KnownBitAccuracy"/> compares the tag and
/// version bits with Easel's; <see cref="LatticeFit"/> is how close the read values sit to the embedding lattice
/// (about 0.5 for an unmarked image, near 1 for a marked one).
/// </summary>
public sealed record WatermarkDetection(bool Detected, double KnownBitAccuracy, double LatticeFit, IReadOnlyList<bool> Bits)
{
    /// <summary>The payload as read (meaningful when <see cref="Detected"/>).</summary>
    public WatermarkPayload Payload => WatermarkPayload.FromBits(Bits);

    /// <summary>Fraction of <paramref name="expected"/>'s 48 bits read back correctly.</summary>
    public double BitAccuracy(WatermarkPayload expected)
    {
        var want = expected.ToBits();
        return want.Where((bit, i) => bit == Bits[i]).Count() / (double)want.Length;
    }
}
