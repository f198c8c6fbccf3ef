namespace Easel.Engine.Provenance;

/// <summary>Orthonormal type-II DCT of a square plane (and its inverse), separable through a precomputed basis.</summary>
internal sealed class Dct2D
{
    private readonly int _n;
    private readonly double[] _basis; // _basis[k * n + x] = alpha(k) cos(pi (2x + 1) k / 2n)

    public Dct2D(int n)
    {
        _n = n;
        _basis = new double[n * n];
        for (int k = 0; k < n; k++)
        {
            double alpha = k == 0 ? Math.Sqrt(1.0 / n) : Math.Sqrt(2.0 / n);
            for (int x = 0; x < n; x++) _basis[(k * n) + x] = alpha * Math.Cos(Math.PI * ((2 * x) + 1) * k / (2.0 * n));
        }
    }

    public int Size => _n;

    /// <summary>Coefficients [v * n + u] of a plane [y * n + x].</summary>
    public double[] Forward(float[] plane)
    {
        int n = _n;
        var rows = new double[n * n];
        for (int y = 0; y < n; y++)
            for (int u = 0; u < n; u++)
            {
                double s = 0;
                for (int x = 0; x < n; x++) s += _basis[(u * n) + x] * plane[(y * n) + x];
                rows[(y * n) + u] = s;
            }
        var result = new double[n * n];
        for (int v = 0; v < n; v++)
            for (int u = 0; u < n; u++)
            {
                double s = 0;
                for (int y = 0; y < n; y++) s += _basis[(v * n) + y] * rows[(y * n) + u];
                result[(v * n) + u] = s;
            }
        return result;
    }

    /// <summary>The plane whose coefficients are <paramref name="coefficients"/>.</summary>
    public float[] Inverse(double[] coefficients)
    {
        int n = _n;
        var cols = new double[n * n];
        for (int y = 0; y < n; y++)
            for (int u = 0; u < n; u++)
            {
                double s = 0;
                for (int v = 0; v < n; v++) s += _basis[(v * n) + y] * coefficients[(v * n) + u];
                cols[(y * n) + u] = s;
            }
        var result = new float[n * n];
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                double s = 0;
                for (int u = 0; u < n; u++) s += _basis[(u * n) + x] * cols[(y * n) + u];
                result[(y * n) + x] = (float)s;
            }
        return result;
    }
}
