using Easel.Testing;
using Xunit.Abstractions;

namespace Easel.Engine.Tests.Judge;

/// <summary>The judge reads back ground-truth renders, clean and degraded like generated images.</summary>
public class SceneJudgeAccuracyTests(ITestOutputHelper output)
{
    private static readonly SceneGrammar G = JudgeTestData.Grammar;

    [Fact]
    public void ReadsEverySingleObjectRenderIncludingHeldOutTriples()
    {
        var scenes = JudgeTestData.AllSingleObjectScenes();
        Assert.True(scenes.Count >= 1000);
        Assert.Contains(scenes, s => G.ContainsHeldOut(s));

        var score = JudgeScore.Run(scenes, s => SceneRenderer.Render(G, s));
        score.Report(output, "single clean 64");
        score.AssertAtLeast(0.99, includeSize: true);
    }

    [Fact]
    public void ReadsBothObjectsOfTwoObjectRenders()
    {
        var scenes = JudgeTestData.TwoObjectScenes(400, seed: 11);
        var score = JudgeScore.Run(scenes, s => SceneRenderer.Render(G, s));
        score.Report(output, "two-object clean 64");
        score.AssertAtLeast(0.99, includeSize: true);
    }

    [Fact]
    public void SurvivesBlurAndNoise()
    {
        var single = JudgeTestData.EveryKth(JudgeTestData.AllSingleObjectScenes(), 3);
        var two = JudgeTestData.TwoObjectScenes(300, seed: 12);
        int seed = 0;
        var singleScore = JudgeScore.Run(single, s => Degrade(s, seed++));
        var twoScore = JudgeScore.Run(two, s => Degrade(s, seed++));
        singleScore.Report(output, "single blur+noise 64");
        twoScore.Report(output, "two-object blur+noise 64");
        singleScore.AssertAtLeast(0.97);
        twoScore.AssertAtLeast(0.97);
    }

    [Fact]
    public void ReadsScenesAt128Pixels()
    {
        var single = JudgeTestData.EveryKth(JudgeTestData.AllSingleObjectScenes(), 4);
        var two = JudgeTestData.TwoObjectScenes(300, seed: 13);

        var upscaled = JudgeScore.Run(single.Concat(two), s =>
        {
            using var small = SceneRenderer.Render(G, s);
            return ImageDistortions.Resize(small, 128, 128);
        });
        var native = JudgeScore.Run(single.Concat(two), s => SceneRenderer.Render(G, s, 128));
        upscaled.Report(output, "upscaled 64->128");
        native.Report(output, "rendered at 128");
        upscaled.AssertAtLeast(0.99, includeSize: true);
        native.AssertAtLeast(0.99, includeSize: true);
    }

    private static SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24> Degrade(Scene s, int seed)
    {
        using var clean = SceneRenderer.Render(G, s);
        using var blurred = ImageDistortions.Blur3x3(clean);
        return ImageDistortions.AddGaussianNoise(blurred, sigma: 8, seed);
    }
}
