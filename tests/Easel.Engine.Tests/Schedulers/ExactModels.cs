using Easel.Engine.Schedulers;
using Easel.Engine.Tensors;

namespace Easel.Engine.Tests.Schedulers;

/// <summary>
/// Stand-ins for a perfect UNet. Each scheduler reports its noise level as x = s·x0 + n·ε in its own sample space;
/// the variance-preserving form of that level is α = s/√(s²+n²), σ = n/√(s²+n²).
/// </summary>
internal static class ExactModels
{
    /// <summary>The exact output when the data is the single point x0: ε = (x − s·x0)/n, v = α·ε − σ·x0.</summary>
    public static float[] PointMass(SchedulerBase scheduler, float[] x, float[] x0, int stepIndex)
    {
        var (signal, noise) = scheduler.NoiseLevel(stepIndex);
        var (alpha, sigma) = VariancePreserving(signal, noise);
        var output = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double eps = (x[i] - signal * x0[i]) / noise;
            output[i] = (float)(scheduler.Prediction == ModelPrediction.VPrediction ? alpha * eps - sigma * x0[i] : eps);
        }
        return output;
    }

    /// <summary>
    /// The exact output when each value of x0 is drawn from N(0, c²): E[ε|x] = n·x/(s²c² + n²) and
    /// E[x0|x] = s·c²·x/(s²c² + n²). Its probability-flow ODE keeps x/√(s²c² + n²) constant.
    /// </summary>
    public static float[] Gaussian(SchedulerBase scheduler, float[] x, double c, int stepIndex)
    {
        var (signal, noise) = scheduler.NoiseLevel(stepIndex);
        var (alpha, sigma) = VariancePreserving(signal, noise);
        double variance = signal * signal * c * c + noise * noise;
        var output = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double eps = noise * x[i] / variance;
            double x0 = signal * c * c * x[i] / variance;
            output[i] = (float)(scheduler.Prediction == ModelPrediction.VPrediction ? alpha * eps - sigma * x0 : eps);
        }
        return output;
    }

    /// <summary>Runs the usual loop over steps [start, end) (end: the whole schedule) with the given exact model.</summary>
    public static void Run(SchedulerBase scheduler, float[] x, int start, Func<float[], int, float[]> model,
        long seed = 7, int? end = null)
    {
        var noise = new GaussianNoise(seed);
        for (int i = start; i < (end ?? scheduler.Timesteps.Count); i++)
        {
            var input = (float[])x.Clone();
            scheduler.ScaleModelInput(input, i);
            scheduler.Step(model(x, i), i, x, noise);
        }
    }

    public static float[] Normals(int count, long seed) => new GaussianNoise(seed).Next(count);

    public static double MaxAbsDifference(float[] a, float[] b)
    {
        double max = 0;
        for (int i = 0; i < a.Length; i++)
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }

    private static (double Alpha, double Sigma) VariancePreserving(double signal, double noise)
    {
        double norm = Math.Sqrt(signal * signal + noise * noise);
        return (signal / norm, noise / norm);
    }
}
