namespace Easel.Engine.Tests.Schedulers;

/// <summary>The deterministic stand-in UNet and image latents of make_scheduler_goldens.py, computed the same way.</summary>
internal static class ParityModel
{
    /// <summary>0.9·tanh(x)·cos(t/300) + 0.3·sin(0.7·i + t/120), in double, as float32.</summary>
    public static float[] Evaluate(ReadOnlySpan<float> input, double timestep)
    {
        var output = new float[input.Length];
        double t = timestep;
        for (int i = 0; i < input.Length; i++)
            output[i] = (float)(0.9 * Math.Tanh(input[i]) * Math.Cos(t / 300.0) + 0.3 * Math.Sin(0.7 * i + t / 120.0));
        return output;
    }

    /// <summary>0.8·sin(1.3·i + 0.5) as float32: the "image" img2img cases start from.</summary>
    public static float[] ImageLatents(int length) =>
        Enumerable.Range(0, length).Select(i => (float)(0.8 * Math.Sin(1.3 * i + 0.5))).ToArray();
}
