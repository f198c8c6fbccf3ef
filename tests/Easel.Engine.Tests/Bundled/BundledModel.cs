using Easel.Engine.Pipelines;
using Easel.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Engine.Tests.Bundled;

/// <summary>One engine over the repository's models/ folder (the bundled model is the default there), shared by a test class.</summary>
public sealed class BundledModelFixture : IDisposable
{
    public BundledModelFixture()
    {
        // Watermark off: these tests compare pixels with references and sources; Responsible/WatermarkTests covers it.
        Engine = new EaselEngine(new EaselOptions { OutputDirectory = Output.Path, ExecutionProvider = "cpu", Watermark = false });
    }

    public TempDir Output { get; } = new();
    public EaselEngine Engine { get; }
    public SceneGrammar Grammar { get; } = SceneGrammar.Load();
    public SceneJudge Judge => new(Grammar);

    public Judgement JudgeFile(string path)
    {
        using var image = Image.Load<Rgb24>(path);
        return Judge.Judge(image);
    }

    public static GenerateRequest Request(string prompt, long seed) => new() { Prompt = prompt, Seed = seed };

    public void Dispose()
    {
        Engine.Dispose();
        Output.Dispose();
    }
}

internal static class ImageMath
{
    /// <summary>Peak signal-to-noise ratio in dB over the pixels where <paramref name="include"/> holds (∞ if identical).</summary>
    public static double Psnr(Image<Rgb24> a, Image<Rgb24> b, Func<int, int, bool>? include = null)
    {
        double sum = 0;
        long n = 0;
        for (int y = 0; y < a.Height; y++)
            for (int x = 0; x < a.Width; x++)
            {
                if (include is not null && !include(x, y)) continue;
                var p = a[x, y];
                var q = b[x, y];
                sum += Sq(p.R - q.R) + Sq(p.G - q.G) + Sq(p.B - q.B);
                n += 3;
            }
        double mse = sum / n;
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    private static double Sq(double v) => v * v;
}
