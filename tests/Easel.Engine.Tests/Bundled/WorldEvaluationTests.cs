using System.Globalization;
using System.Text;
using Easel.Engine.Onnx;
using Easel.Engine.World;
using Easel.Testing.World;
using Microsoft.Extensions.Logging.Abstractions;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit.Abstractions;

namespace Easel.Engine.Tests.Bundled;

/// <summary>
/// The world evaluation (issue 13's table) on the bundled model: GenEval-style categories, diversity across seeds,
/// object counts at other canvases and variations, on held-out prompts with fixed seeds. CI runs a fixed subset per
/// category; the model card's numbers are the same code with EASEL_WORLD_EVAL_PROMPTS=100 (EASEL_WORLD_EVAL_MODELS and
/// EASEL_WORLD_EVAL_MODEL point it at another export, EASEL_WORLD_EVAL_REPORT writes the markdown table to a file).
/// </summary>
public class WorldEvaluationTests(ITestOutputHelper output)
{
    private static readonly WorldGrammar G = WorldGrammar.Load();

    /// <summary>
    /// Per category: issue 13's bar (printed beside the measured rate) and the regression floor asserted on the CI
    /// subset. The bundled model is still v1, which measures 0-2 of 7 per category here (model card), so the floors
    /// are 0 until v2 replaces it; what is asserted meanwhile is that the judge finds objects in what the model draws
    /// (below). Where a bar is not met the card says so with the number; the floor is not the bar.
    /// </summary>
    private static readonly Dictionary<string, (double Bar, double Floor)> Targets = new()
    {
        [WorldCategory.Single] = (0.98, 0.0),
        [WorldCategory.TwoObjects] = (0.90, 0.0),
        [WorldCategory.Counting] = (0.85, 0.0),
        [WorldCategory.Colors] = (0.95, 0.0),
        [WorldCategory.Position] = (0.90, 0.0),
        [WorldCategory.RelativePosition] = (0.85, 0.0),
        [WorldCategory.ColorAttribution] = (0.90, 0.0),
        ["sizes"] = (0.90, 0.0),
        ["variations"] = (0.90, 0.0),
    };

    private const int MinDiversityCells = 1;

    /// <summary>The model to judge by name (EASEL_WORLD_EVAL_MODEL, a folder under EASEL_WORLD_EVAL_MODELS, e.g.
    /// easel-shapes-v2 for models/training/warm-start); default: the bundled model.</summary>
    private static string? EvalModel => Environment.GetEnvironmentVariable("EASEL_WORLD_EVAL_MODEL") is { Length: > 0 } m ? m : null;

    [Fact]
    public async Task HeldOutWorldPromptsAreMeasuredPerCategory()
    {
        int prompts = int.TryParse(Environment.GetEnvironmentVariable("EASEL_WORLD_EVAL_PROMPTS"), out var n) ? n : 7;
        using var outputDir = new TempDir();
        using var engine = new EaselEngine(new EaselOptions
        {
            OutputDirectory = outputDir.Path,
            ExecutionProvider = "cpu",
            ModelsPath = Environment.GetEnvironmentVariable("EASEL_WORLD_EVAL_MODELS"),
        });
        var eval = new WorldEvaluation(engine, G, EvalModel);
        var table = new StringBuilder("| category | right | rate | bar |\n|---|---|---|---|\n");
        var failed = new List<string>();
        void Report(WorldEvaluation.CategoryResult r, string floorKey)
        {
            output.WriteLine($"{r.Category}: {r.Right}/{r.Total} = {r.Rate:P1}");
            foreach (var f in r.Failures) output.WriteLine("   " + f);
            table.Append(CultureInfo.InvariantCulture, $"| {r.Category} | {r.Right}/{r.Total} | {r.Rate * 100:F1} % | ≥ {Targets[floorKey].Bar * 100:F0} %{(r.Rate >= Targets[floorKey].Bar ? " (met)" : "")} |\n");
            if (r.Rate < Targets[floorKey].Floor) failed.Add($"{r.Category} {r.Rate:P1} < floor {Targets[floorKey].Floor:P0}");
        }

        var results = new List<WorldEvaluation.CategoryResult>();
        foreach (var category in WorldCategory.All)
        {
            var r = await eval.RunCategory(category, prompts);
            results.Add(r);
            Report(r, category);
        }
        foreach (var (w, h) in new[] { (128, 128), (96, 64), (64, 128) })
            Report(await eval.CountsAtSize(w, h, prompts), "sizes");
        var (kept, closePairs, pairs, closestVariationPsnr) = await eval.Variations(Math.Max(2, prompts / 2));
        Report(kept, "variations");
        var (cells, closestPsnr, judged) = await eval.Diversity("create an image of a red circle on a white background");

        string diversity = $"diversity: 16 seeds -> {cells} of 9 grid cells ({judged} judged); closest 2 of 8 seeds {closestPsnr:F1} dB";
        string variety = $"variations: {closePairs} of {pairs} pairs within 30 dB; closest pair {closestVariationPsnr:F1} dB";
        output.WriteLine(diversity);
        output.WriteLine(variety);
        table.Append(CultureInfo.InvariantCulture, $"\n{diversity}\n\n{variety}\n");
        if (Environment.GetEnvironmentVariable("EASEL_WORLD_EVAL_REPORT") is { Length: > 0 } report)
            await File.WriteAllTextAsync(report, table.ToString());

        int images = results.Sum(r => r.Total), withObjects = results.Sum(r => r.WithObjects);
        output.WriteLine($"images with at least one judged object: {withObjects}/{images}");
        Assert.True(withObjects >= 0.8 * images, $"only {withObjects}/{images} images had an object the judge could read");
        Assert.True(cells >= MinDiversityCells, diversity);
        Assert.True(failed.Count == 0, string.Join("; ", failed));
    }

    /// <summary>
    /// The ceiling of every number above: ground truth of each category, encoded and decoded by the bundled VAE, read
    /// by the judge. What the judge misses here (soft small shapes, fringes) no diffusion model can get credit for.
    /// Measured, 40 per category: the bundled v1 VAE (trained on flat single shapes) 45/280 = 16.1 %; v2's first 8x VAE
    /// 207/280 = 73.9 %; the 4x VAE now in models/training/warm-start/easel-shapes-v2 232/280 = 82.9 % (single 37/40,
    /// colour attribution 27/40) on the world whose radii started at 0.075, 268/280 = 95.7 % (attribution 36/40) once
    /// they start at 0.10, and 277/280 = 98.9 % after two more decoder refinements.
    /// The floor guards the bundled one against regressions.
    /// </summary>
    [Fact]
    public void TheJudgeReadsGroundTruthDecodedByTheBundledVae()
    {
        var folder = Environment.GetEnvironmentVariable("EASEL_WORLD_EVAL_MODELS") is { Length: > 0 } models
            ? Path.Combine(models, EvalModel ?? "easel-shapes") : RepoPaths.BundledModel;
        var options = new SessionOptionsFactory(ExecutionProviderKind.Cpu, NullLogger.Instance);
        using var encoder = OnnxModel.Load(Path.Combine(folder, "vae_encoder", "model.onnx"), options);
        using var decoder = OnnxModel.Load(Path.Combine(folder, "vae_decoder", "model.onnx"), options);
        var sampler = new WorldSampler(G);
        var judge = new WorldJudge(G);
        int right = 0, total = 0;
        var rates = new List<string>();
        foreach (var category in WorldCategory.All)
        {
            var rng = new Random(300 + WorldCategory.All.ToList().IndexOf(category));
            int ok = 0;
            const int perCategory = 40;
            for (int i = 0; i < perCategory; i++)
            {
                var scene = sampler.EvalScene(category, i, rng);
                using var truth = WorldRenderer.Render(G, scene);
                using var decoded = RoundTrip(encoder, decoder, truth);
                if (WorldGrade.Passes(G, scene, judge.Judge(decoded))) ok++;
            }
            rates.Add($"{category} {ok}/{perCategory}");
            right += ok;
            total += perCategory;
        }
        output.WriteLine($"judge on VAE-decoded ground truth, 64x64: {right}/{total} = {(double)right / total:P1} ({string.Join(", ", rates)})");
        Assert.True(right >= 0.12 * total, $"{right}/{total}: {string.Join(", ", rates)}");
    }

    private static Image<Rgb24> RoundTrip(OnnxModel encoder, OnnxModel decoder, Image<Rgb24> image)
    {
        int w = image.Width, h = image.Height, plane = w * h;
        var pixels = new float[3 * plane];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                var p = image[x, y];
                pixels[y * w + x] = p.R / 127.5f - 1;
                pixels[plane + y * w + x] = p.G / 127.5f - 1;
                pixels[2 * plane + y * w + x] = p.B / 127.5f - 1;
            }
        var latent = encoder.Run(new Dictionary<string, InputValue> { ["sample"] = InputValue.FromFloats(pixels, [1, 3, h, w]) },
            [encoder.Outputs.Keys.First()]).Values.Single();
        var decoded = decoder.Run(new Dictionary<string, InputValue> { ["latent_sample"] = InputValue.FromFloats(latent.Data, latent.Shape) },
            [decoder.Outputs.Keys.First()]).Values.Single().Data;
        var result = new Image<Rgb24>(w, h);
        byte Level(float v) => (byte)Math.Clamp(Math.Round((v + 1) * 127.5), 0, 255);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                result[x, y] = new Rgb24(Level(decoded[y * w + x]), Level(decoded[plane + y * w + x]), Level(decoded[2 * plane + y * w + x]));
        return result;
    }
}
