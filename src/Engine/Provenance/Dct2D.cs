namespace Easel.Engine.Provenance;

/// <summary>Orthonormal type-II DCT of a square plane (and its inverse), separable through a precomputed basis.</summary>
internal sealed class Dct2D
{
    private readonly int _n;
    private readonly double[] _forward; // [k * n + x] = alpha(k) cos(pi (2x + 1) k / 2n)
    private readonly double[] _inverse; // its transpose

    public Dct2D(int n)
    {
        _n = n;
        _forward = new double[n * n];
        _inverse = new double[n * n];
        for (int k = 0; k < n; k++)
        {
            double alpha = k == 0 ? Math.Sqrt(1.0 / n) : Math.Sqrt(2.0 / n);
            for (int x = 0; x < n; x++)
                _forward[(k * n) + x] = _inverse[(x * n) + k] = alpha * Math.Cos(Math.PI * ((2 * x) + 1) * k / (2.0 * n));
        }
    }

    /// <summary>Coefficients [v * n + u] of a plane [y * n + x].</summary>
    public double[] Forward(float[] plane) => Apply(_forward, Array.ConvertAll(plane, v => (double)v));

    /// <summary>The plane whose coefficients are <paramref name="coefficients"/>.</summary>
    public float[] Inverse(double[] coefficients) => Array.ConvertAll(Apply(_inverse, coefficients), v => (float)v);

    /// <summary>M · X · Mᵀ: the 1-D transform M along rows, then along columns.</summary>
    private double[] Apply(double[] m, double[] x)
    {
        int n = _n;
        var rows = new double[n * n];
        for (int y = 0; y < n; y++)
            for (int u = 0; u < n; u++)
            {
                double s = 0;
                for (int k = 0; k < n; k++) s += m[(u * n) + k] * x[(y * n) + k];
                rows[(y * n) + u] = s;
            }
        var result = new double[n * n];
        for (int v = 0; v < n; v++)
            for (int u = 0; u < n; u++)
            {
                double s = 0;
                for (int k = 0; k < n; k++) s += m[(v * n) + k] * rows[(k * n) + u];
                result[(v * n) + u] = s;
            }
        return result;
    }
}
