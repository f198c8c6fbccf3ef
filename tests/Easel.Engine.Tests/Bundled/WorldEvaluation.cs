using Easel.Engine.Pipelines;
using Easel.Engine.World;
using Easel.Testing.World;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Engine.Tests.Bundled;

/// <summary>
/// GenEval-style evaluation of a model on the world's held-out prompts through the engine: fixed prompt seeds,
/// fixed image seeds (base + prompt index), the model's default sampler, the C# world judge.
/// </summary>
internal sealed class WorldEvaluation(EaselEngine engine, WorldGrammar grammar, string? model = null)
{
    private readonly WorldSampler _sampler = new(grammar);
    private readonly WorldJudge _judge = new(grammar);

    /// <summary>Right: prompts whose every said attribute the judge confirmed; WithObjects: images with any object found.</summary>
    public sealed record CategoryResult(string Category, int Right, int WithObjects, int Total, IReadOnlyList<string> Failures)
    {
        public double Rate => Total == 0 ? 0 : (double)Right / Total;
    }

    public async Task<CategoryResult> RunCategory(string category, int prompts, int width = 64, int height = 64, long seedBase = 10_000)
    {
        var rng = new Random(2026 + WorldCategory.All.ToList().IndexOf(category));
        int right = 0, withObjects = 0;
        var failures = new List<string>();
        for (int i = 0; i < prompts; i++)
        {
            var scene = _sampler.EvalScene(category, i, rng, width, height);
            var prompt = _sampler.Caption(scene, rng, evalPhrasing: true);
            var j = await Judge(prompt, seedBase + i, width, height);
            if (j.Objects.Count > 0) withObjects++;
            if (WorldGrade.Passes(grammar, scene, j)) right++;
            else if (failures.Count < 6) failures.Add($"\"{prompt}\" (seed {seedBase + i}) -> {j}");
        }
        return new CategoryResult(category, right, withObjects, prompts, failures);
    }

    /// <summary>Grid cells the (single) object lands in over <paramref name="seeds"/> seeds of one prompt, and the
    /// PSNR of the closest two of the first eight images (the bar: below 30 dB, no near copies).</summary>
    public async Task<(int Cells, double ClosestPsnr, int Judged)> Diversity(string prompt, int seeds = 16, long seedBase = 20_000)
    {
        var cells = new HashSet<string>();
        var images = new List<Image<Rgb24>>();
        int judged = 0;
        try
        {
            for (int s = 0; s < seeds; s++)
            {
                var path = await Generate(prompt, seedBase + s, 64, 64);
                var image = Image.Load<Rgb24>(path);
                var j = _judge.Judge(image);
                if (j.Objects.Count > 0) { cells.Add(grammar.CellOf(j.Objects[0].X, j.Objects[0].Y)); judged++; }
                if (images.Count < 8) images.Add(image); else image.Dispose();
            }
            return (cells.Count, Pairs(images, double.PositiveInfinity).Closest, judged);
        }
        finally
        {
            foreach (var image in images) image.Dispose();
        }
    }

    /// <summary>The same held-out prompts (every category in turn) on another canvas: right when the judge counts as
    /// many objects as the scene has, so a tiled duplicate or a lost object fails.</summary>
    public async Task<CategoryResult> CountsAtSize(int width, int height, int prompts, long seedBase = 30_000)
    {
        var rng = new Random(7_000 + width * 1_000 + height);
        int right = 0, withObjects = 0;
        var failures = new List<string>();
        for (int i = 0; i < prompts; i++)
        {
            var category = WorldCategory.All[i % WorldCategory.All.Count];
            var scene = _sampler.EvalScene(category, i, rng, width, height);
            var prompt = _sampler.Caption(scene, rng, evalPhrasing: true);
            var j = await Judge(prompt, seedBase + i, width, height);
            if (j.Objects.Count > 0) withObjects++;
            if (j.Objects.Count == scene.Objects.Count) right++;
            else if (failures.Count < 6) failures.Add($"\"{prompt}\" (seed {seedBase + i}, wants {scene.Objects.Count}) -> {j}");
        }
        return new CategoryResult($"count at {width}x{height}", right, withObjects, prompts, failures);
    }

    /// <summary>Variations of generated images (colour-category prompts: colour, shape and background said, position
    /// and size not): how many variations keep every said attribute, and how many pairs of variations of one source are
    /// within <paramref name="sameDb"/> dB of each other (near copies).</summary>
    public async Task<(CategoryResult Kept, int ClosePairs, int Pairs, double ClosestPsnr)> Variations(int sources, int variations = 3,
        double sameDb = 30, long seedBase = 40_000)
    {
        var rng = new Random(9_001);
        int kept = 0, total = 0, withObjects = 0, close = 0, pairs = 0;
        double closest = double.NegativeInfinity;
        var failures = new List<string>();
        for (int i = 0; i < sources; i++)
        {
            var scene = _sampler.EvalScene(WorldCategory.Colors, i, rng);
            var prompt = _sampler.Caption(scene, rng, evalPhrasing: true);
            var source = await Generate(prompt, seedBase + i, 64, 64);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            var result = await engine.VaryAsync(new EditRequest
            {
                Image = source,
                Generation = new GenerateRequest { Prompt = prompt, Seed = seedBase + 500 + i * variations, Count = variations, Model = model },
            }, cancellationToken: timeout.Token);
            var images = result.Images.Select(r => Image.Load<Rgb24>(r.Path)).ToList();
            try
            {
                foreach (var image in images)
                {
                    var j = _judge.Judge(image);
                    total++;
                    if (j.Objects.Count > 0) withObjects++;
                    if (WorldGrade.Passes(grammar, scene, j)) kept++;
                    else if (failures.Count < 6) failures.Add($"variation of \"{prompt}\" (seed {seedBase + i}) -> {j}");
                }
                var (pairClosest, pairClose, pairCount) = Pairs(images, sameDb);
                closest = Math.Max(closest, pairClosest);
                close += pairClose;
                pairs += pairCount;
            }
            finally
            {
                foreach (var image in images) image.Dispose();
            }
        }
        return (new CategoryResult("variations keep said attributes", kept, withObjects, total, failures), close, pairs, closest);
    }

    /// <summary>The highest PSNR of any two images (the nearest copies) and how many pairs reach <paramref name="sameDb"/>.</summary>
    private static (double Closest, int Close, int Count) Pairs(IReadOnlyList<Image<Rgb24>> images, double sameDb)
    {
        double closest = double.NegativeInfinity;
        int close = 0, count = 0;
        for (int a = 0; a < images.Count; a++)
            for (int b = a + 1; b < images.Count; b++)
            {
                double psnr = ImageMath.Psnr(images[a], images[b]);
                closest = Math.Max(closest, psnr);
                close += psnr >= sameDb ? 1 : 0;
                count++;
            }
        return (closest, close, count);
    }

    private async Task<WorldJudgement> Judge(string prompt, long seed, int width, int height)
    {
        using var image = Image.Load<Rgb24>(await Generate(prompt, seed, width, height));
        return _judge.Judge(image);
    }

    private async Task<string> Generate(string prompt, long seed, int width, int height)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var result = await engine.GenerateAsync(new GenerateRequest { Prompt = prompt, Seed = seed, Width = width, Height = height, Model = model },
            cancellationToken: timeout.Token);
        return result.Images[0].Path;
    }
}
