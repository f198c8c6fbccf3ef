using System.Runtime.CompilerServices;

namespace Easel.Engine.Provenance;

/// <summary>
/// Separable linear resampling of a single-channel float plane, antialiased when shrinking (the triangle filter is
/// widened by the scale factor), so a plane maps to the same low frequencies whatever size the image was saved at.
/// </summary>
internal static class LumaResampler
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float[] Resample(float[] source, int width, int height, int toWidth, int toHeight)
    {
        var rows = new float[toWidth * height];
        var (colStart, colWeights) = Weights(width, toWidth);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < toWidth; x++)
            {
                double sum = 0;
                var w = colWeights[x];
                for (int k = 0; k < w.Length; k++) sum += w[k] * source[(y * width) + colStart[x] + k];
                rows[(y * toWidth) + x] = (float)sum;
            }
        var result = new float[toWidth * toHeight];
        var (rowStart, rowWeights) = Weights(height, toHeight);
        for (int y = 0; y < toHeight; y++)
        {
            var w = rowWeights[y];
            for (int x = 0; x < toWidth; x++)
            {
                double sum = 0;
                for (int k = 0; k < w.Length; k++) sum += w[k] * rows[((rowStart[y] + k) * toWidth) + x];
                result[(y * toWidth) + x] = (float)sum;
            }
        }
        return result;
    }

    /// <summary>For each output sample: the first input index and the normalised weights from there on.</summary>
    private static (int[] Start, double[][] Weights) Weights(int from, int to)
    {
        double scale = (double)from / to;
        double support = Math.Max(1.0, scale);
        var starts = new int[to];
        var weights = new double[to][];
        for (int i = 0; i < to; i++)
        {
            double center = ((i + 0.5) * scale) - 0.5;
            int first = Math.Max(0, (int)Math.Floor(center - support + 1e-9));
            int last = Math.Min(from - 1, (int)Math.Ceiling(center + support - 1e-9));
            var w = new double[last - first + 1];
            double total = 0;
            for (int k = first; k <= last; k++)
                total += w[k - first] = Math.Max(0, 1 - (Math.Abs(k - center) / support));
            if (total <= 0) { w = [1]; first = Math.Clamp((int)Math.Round(center), 0, from - 1); total = 1; }
            for (int k = 0; k < w.Length; k++) w[k] /= total;
            starts[i] = first;
            weights[i] = w;
        }
        return (starts, weights);
    }
}
