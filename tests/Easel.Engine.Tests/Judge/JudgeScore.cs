using Easel.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit.Abstractions;

namespace Easel.Engine.Tests.Judge;

/// <summary>Per-attribute accuracy of the judge over a set of scenes, with the first failures kept for messages.</summary>
internal sealed class JudgeScore
{
    public int Total { get; private set; }
    public int Background { get; private set; }
    public int Color { get; private set; }
    public int Shape { get; private set; }
    public int Position { get; private set; }
    public int Size { get; private set; }
    public int Count { get; private set; }
    public int Whole { get; private set; }
    public List<string> Failures { get; } = [];

    public static JudgeScore Run(IEnumerable<Scene> scenes, Func<Scene, Image<Rgb24>> draw)
    {
        var judge = new SceneJudge(JudgeTestData.Grammar);
        var score = new JudgeScore();
        foreach (var scene in scenes)
        {
            using var image = draw(scene);
            score.Add(scene, judge.Judge(image));
        }
        return score;
    }

    private void Add(Scene expected, Judgement j)
    {
        Total++;
        if (j.BackgroundMatches(expected)) Background++;
        if (j.ColorsMatch(expected)) Color++;
        if (j.ShapesMatch(expected)) Shape++;
        if (j.PositionsMatch(expected)) Position++;
        if (j.SizesMatch(expected)) Size++;
        if (j.CountMatches(expected)) Count++;
        if (j.Matches(expected)) Whole++;
        else if (Failures.Count < 10) Failures.Add($"expected {expected}\n   judged {j}");
    }

    public static double Rate(int right, int total) => total == 0 ? 0 : (double)right / total;

    public void Report(ITestOutputHelper output, string label)
    {
        output.WriteLine($"{label}: n={Total} background={Rate(Background, Total):P2} colour={Rate(Color, Total):P2} " +
                         $"shape={Rate(Shape, Total):P2} position={Rate(Position, Total):P2} size={Rate(Size, Total):P2} " +
                         $"count={Rate(Count, Total):P2} whole={Rate(Whole, Total):P2}");
        foreach (var f in Failures) output.WriteLine("  " + f);
    }

    public void AssertAtLeast(double minimum, bool includeSize = false)
    {
        string details = string.Join("\n", Failures);
        Assert.True(Rate(Background, Total) >= minimum, $"background {Rate(Background, Total):P2}\n{details}");
        Assert.True(Rate(Color, Total) >= minimum, $"colour {Rate(Color, Total):P2}\n{details}");
        Assert.True(Rate(Shape, Total) >= minimum, $"shape {Rate(Shape, Total):P2}\n{details}");
        Assert.True(Rate(Position, Total) >= minimum, $"position {Rate(Position, Total):P2}\n{details}");
        Assert.True(Rate(Whole, Total) >= minimum, $"whole scene {Rate(Whole, Total):P2}\n{details}");
        if (includeSize) Assert.True(Rate(Size, Total) >= minimum, $"size {Rate(Size, Total):P2}\n{details}");
    }
}
