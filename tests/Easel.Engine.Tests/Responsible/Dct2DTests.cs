using Easel.Engine.Provenance;

namespace Easel.Engine.Tests.Responsible;

/// <summary>
/// The watermark's band-limited, row-update DCT gives bit for bit what the plain separable transform (written out
/// here as dot products over the full basis) gives inside the band, so marks made before and after it are the same.
/// </summary>
public class Dct2DTests
{
    private const int N = 64, Band = 36;

    [Fact]
    public void ForwardMatchesThePlainTransformInsideTheBandAndIsZeroOutside()
    {
        var plane = RandomPlane(1);
        var fast = new Dct2D(N, Band).Forward(plane);
        var plain = Plain(Basis(), Array.ConvertAll(plane, v => (double)v), transpose: false);
        for (int v = 0; v < N; v++)
            for (int u = 0; u < N; u++)
                Assert.Equal(u + v <= Band ? plain[(v * N) + u] : 0.0, fast[(v * N) + u]);
    }

    [Fact]
    public void InverseMatchesThePlainTransformOfInBandCoefficients()
    {
        var random = new Random(2);
        var coefficients = new double[N * N];
        for (int v = 0; v < N; v++)
            for (int u = 0; u < N; u++)
                coefficients[(v * N) + u] = u + v <= Band ? (random.NextDouble() * 200) - 100 : 0;
        var fast = new Dct2D(N, Band).Inverse(coefficients);
        var plain = Plain(Basis(), coefficients, transpose: true);
        for (int i = 0; i < fast.Length; i++) Assert.Equal((float)plain[i], fast[i]);
    }

    [Fact]
    public void ARoundTripOfABandLimitedPlaneGivesItBack()
    {
        var dct = new Dct2D(N, Band);
        var smooth = dct.Inverse(dct.Forward(RandomPlane(3))); // band-limited now
        var again = dct.Inverse(dct.Forward(smooth));
        for (int i = 0; i < smooth.Length; i++) Assert.Equal(smooth[i], again[i], 3);
    }

    private static float[] RandomPlane(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, N * N).Select(_ => (float)(random.NextDouble() * 255)).ToArray();
    }

    private static double[] Basis()
    {
        var m = new double[N * N];
        for (int k = 0; k < N; k++)
            for (int x = 0; x < N; x++)
                m[(k * N) + x] = (k == 0 ? Math.Sqrt(1.0 / N) : Math.Sqrt(2.0 / N)) * Math.Cos(Math.PI * ((2 * x) + 1) * k / (2.0 * N));
        return m;
    }

    /// <summary>M·X·Mᵀ (or Mᵀ·X·M) as plain dot products.</summary>
    private static double[] Plain(double[] basis, double[] x, bool transpose)
    {
        double M(int row, int column) => transpose ? basis[(column * N) + row] : basis[(row * N) + column];
        var rows = new double[N * N];
        for (int y = 0; y < N; y++)
            for (int u = 0; u < N; u++)
            {
                double s = 0;
                for (int k = 0; k < N; k++) s += M(u, k) * x[(y * N) + k];
                rows[(y * N) + u] = s;
            }
        var result = new double[N * N];
        for (int v = 0; v < N; v++)
            for (int u = 0; u < N; u++)
            {
                double s = 0;
                for (int k = 0; k < N; k++) s += M(v, k) * rows[(k * N) + u];
                result[(v * N) + u] = s;
            }
        return result;
    }
}
