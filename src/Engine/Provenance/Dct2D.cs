using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Easel.Engine.Provenance;

/// <summary>
/// Orthonormal type-II DCT of a square plane (and its inverse), separable through a precomputed basis, limited to the
/// coefficients with u + v ≤ <c>bandLimit</c>: <see cref="Forward"/> leaves the others 0 and <see cref="Inverse"/>
/// takes them as 0 (the watermark lives below that limit; skipping the rest cuts each transform by about 2.7× at
/// 64×64). Every sum runs as row updates (y += a·x over contiguous rows, in SIMD lanes), which adds each element's
/// terms in the same order as a plain dot product would: the result does not depend on the machine's vector width.
/// </summary>
internal sealed class Dct2D
{
    private readonly int _n;
    private readonly int _limit;
    private readonly double[] _basis; // [k * n + x] = alpha(k) cos(pi (2x + 1) k / 2n)
    private readonly double[] _transposed; // [x * n + k]

    public Dct2D(int n, int bandLimit)
    {
        _n = n;
        _limit = Math.Clamp(bandLimit, 0, 2 * (n - 1));
        _basis = new double[n * n];
        _transposed = new double[n * n];
        for (int k = 0; k < n; k++)
        {
            double alpha = k == 0 ? Math.Sqrt(1.0 / n) : Math.Sqrt(2.0 / n);
            for (int x = 0; x < n; x++)
                _basis[(k * n) + x] = _transposed[(x * n) + k] = alpha * Math.Cos(Math.PI * ((2 * x) + 1) * k / (2.0 * n));
        }
    }

    /// <summary>Coefficients [v * n + u] of a plane [y * n + x] (0 outside the band).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double[] Forward(float[] plane)
    {
        int n = _n, bandSide = Math.Min(n, _limit + 1);
        // Along each row, for the frequencies u the band can use: rows[y, u] = Σx basis[u, x] plane[y, x].
        var rows = new double[n * n];
        for (int y = 0; y < n; y++)
        {
            var row = rows.AsSpan(y * n, bandSide);
            for (int x = 0; x < n; x++) AddScaled(plane[(y * n) + x], _transposed.AsSpan(x * n, bandSide), row);
        }
        // Down each column, for (v, u) inside the band: result[v, u] = Σy basis[v, y] rows[y, u].
        var result = new double[n * n];
        for (int v = 0; v < bandSide; v++)
        {
            int width = Math.Min(n, _limit - v + 1);
            var target = result.AsSpan(v * n, width);
            for (int y = 0; y < n; y++) AddScaled(_basis[(v * n) + y], rows.AsSpan(y * n, width), target);
        }
        return result;
    }

    /// <summary>The plane whose coefficients are <paramref name="coefficients"/> (those outside the band are ignored).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float[] Inverse(double[] coefficients)
    {
        int n = _n, bandSide = Math.Min(n, _limit + 1);
        // Along each coefficient row v: rows[v, x] = Σu basis[u, x] c[v, u], over its in-band u.
        var rows = new double[n * n];
        for (int v = 0; v < bandSide; v++)
        {
            var row = rows.AsSpan(v * n, n);
            int width = Math.Min(n, _limit - v + 1);
            for (int u = 0; u < width; u++) AddScaled(coefficients[(v * n) + u], _basis.AsSpan(u * n, n), row);
        }
        // Down each column: plane[y, x] = Σv basis[v, y] rows[v, x]; rows beyond the band are zero.
        var plane = new float[n * n];
        var sums = new double[n];
        for (int y = 0; y < n; y++)
        {
            Array.Clear(sums);
            for (int v = 0; v < bandSide; v++) AddScaled(_basis[(v * n) + y], rows.AsSpan(v * n, n), sums);
            for (int x = 0; x < n; x++) plane[(y * n) + x] = (float)sums[x];
        }
        return plane;
    }

    /// <summary>target += a·x, element by element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddScaled(double a, ReadOnlySpan<double> x, Span<double> target)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var scale = new Vector<double>(a);
            var xs = MemoryMarshal.Cast<double, Vector<double>>(x);
            var ts = MemoryMarshal.Cast<double, Vector<double>>(target);
            for (int k = 0; k < ts.Length; k++) ts[k] += scale * xs[k];
            i = ts.Length * Vector<double>.Count;
        }
        for (; i < target.Length; i++) target[i] += a * x[i];
    }
}
