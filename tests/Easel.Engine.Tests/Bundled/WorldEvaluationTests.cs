using Easel.Engine.World;
using Easel.Testing.World;
using Xunit.Abstractions;

namespace Easel.Engine.Tests.Bundled;

/// <summary>
/// The world evaluation (issue 13's category table) on the bundled model, a fixed-seed subset per category so CI stays
/// fast. The full run (≥ 100 prompts per category, the model card's numbers) is the same code with
/// EASEL_WORLD_EVAL_PROMPTS=100 (and EASEL_WORLD_EVAL_MODELS=folder holding another export, e.g. a v2 checkpoint).
/// </summary>
public class WorldEvaluationTests(ITestOutputHelper output)
{
    private static readonly WorldGrammar G = WorldGrammar.Load();

    // The bundled model is still v1, trained on single objects with fixed size and position, 4 of the 6 shapes and
    // other phrasings: measured 0-14 % per category on this subset (model card), so issue 13's bars are not asserted
    // here yet; what is asserted is that the evaluation runs end to end and the judge reads the images it makes.
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
        var eval = new WorldEvaluation(engine, G);
        var results = new List<WorldEvaluation.CategoryResult>();
        foreach (var category in WorldCategory.All)
        {
            var r = await eval.RunCategory(category, prompts);
            results.Add(r);
            output.WriteLine($"{category}: {r.Right}/{r.Total} = {r.Rate:P1}");
            foreach (var f in r.Failures) output.WriteLine("   " + f);
        }
        var (cells, minPsnr, judged) = await eval.Diversity("create an image of a red circle on a white background");
        output.WriteLine($"diversity: 16 seeds -> {cells} grid cells ({judged} judged); min PSNR of 8 seeds {minPsnr:F1} dB");
        int images = results.Sum(r => r.Total), withObjects = results.Sum(r => r.WithObjects);
        output.WriteLine($"images with at least one judged object: {withObjects}/{images}");
        Assert.True(withObjects >= 0.8 * images, $"only {withObjects}/{images} images had an object the judge could read");
        Assert.True(judged >= 1, "the judge found no object in any of the 16 diversity images");
    }
}
