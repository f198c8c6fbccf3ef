namespace Easel.Engine.Tensors;

/// <summary>
/// The documented, platform-independent Gaussian generator behind every seed Easel reports.
/// A 64-bit seed is expanded with SplitMix64 into the state of xoshiro256**; each pair of uniform
/// doubles u1 ∈ (0,1], u2 ∈ [0,1) (53-bit mantissas) gives two standard normals by Box–Muller:
/// r = sqrt(-2 ln u1), z0 = r cos(2π u2), z1 = r sin(2π u2). Values are emitted in that order.
/// The same seed therefore yields the same latents on every machine and runtime.
/// </summary>
public sealed class GaussianNoise
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spare;
    private bool _hasSpare;

    public GaussianNoise(long seed)
    {
        Seed = seed;
        ulong x = unchecked((ulong)seed);
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    public long Seed { get; }

    /// <summary>Fills <paramref name="destination"/> with standard normal samples.</summary>
    public void Fill(Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++)
            destination[i] = (float)NextGaussian();
    }

    public float[] Next(int count)
    {
        var values = new float[count];
        Fill(values);
        return values;
    }

    public double NextGaussian()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spare;
        }
        double u1 = 1.0 - NextUniform(); // (0, 1]
        double u2 = NextUniform();       // [0, 1)
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        double angle = 2.0 * Math.PI * u2;
        _spare = r * Math.Sin(angle);
        _hasSpare = true;
        return r * Math.Cos(angle);
    }

    /// <summary>Uniform double in [0, 1) from the top 53 bits of the next xoshiro256** output.</summary>
    public double NextUniform() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    private ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
