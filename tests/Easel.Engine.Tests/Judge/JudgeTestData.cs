using Easel.Testing;

namespace Easel.Engine.Tests.Judge;

/// <summary>Shared grammar and scene sets for the judge tests.</summary>
internal static class JudgeTestData
{
    public static readonly SceneGrammar Grammar = SceneGrammar.Load();

    /// <summary>Every single-object scene: colour × background (≠ colour) × shape × position × size.</summary>
    public static IReadOnlyList<Scene> AllSingleObjectScenes() =>
        (from bg in Grammar.ColorNames
         from color in Grammar.ColorNames
         where color != bg
         from shape in Grammar.Shapes
         from position in Grammar.Positions
         from size in Grammar.Sizes
         select new Scene(bg, [new SceneObject(color, shape, size, position)])).ToList();

    /// <summary>A deterministic spread-out subset (every k-th scene) for the slower distorted runs.</summary>
    public static IReadOnlyList<Scene> EveryKth(IReadOnlyList<Scene> scenes, int k) =>
        scenes.Where((_, i) => i % k == 0).ToList();

    public static IReadOnlyList<Scene> TwoObjectScenes(int count, int seed) =>
        Grammar.RandomScenes(count, seed, twoObjects: true, excludeHeldOut: false).Select(c => c.Scene).ToList();
}
