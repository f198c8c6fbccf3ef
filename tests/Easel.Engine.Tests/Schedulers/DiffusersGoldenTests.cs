using Xunit.Abstractions;

namespace Easel.Engine.Tests.Schedulers;

/// <summary>Every scheduler case diffusers' own classes produced (tests/fixtures/diffusers) must match within 1e-4.</summary>
public class DiffusersGoldenTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var id in DiffusersGoldens.CaseIds())
            data.Add(id);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_MatchesDiffusers(string id)
    {
        var c = DiffusersGoldens.Case(id);
        var (deviation, failures) = DiffusersGoldens.Run(c);
        Assert.True(failures.Count == 0, $"{DiffusersGoldens.Describe(c)}:\n  " + string.Join("\n  ", failures));
        Assert.InRange(deviation, 0, DiffusersGoldens.Tolerance);
    }

    [Fact]
    public void EveryScheduler_IsCovered_AndItsWorstCaseIsWithinTolerance()
    {
        Assert.Equal(["ddim", "dpmpp_2m", "dpmpp_2m_karras", "euler", "euler_a", "lcm", "pndm"], DiffusersGoldens.Schedulers.Order());
        var worst = new Dictionary<string, (double Deviation, int Cases, int Failed)>();
        foreach (var id in DiffusersGoldens.CaseIds())
        {
            var c = DiffusersGoldens.Case(id);
            var (deviation, failures) = DiffusersGoldens.Run(c);
            string name = (string)c["scheduler"]!;
            var (d, n, f) = worst.GetValueOrDefault(name);
            worst[name] = (Math.Max(d, deviation), n + 1, f + (failures.Count > 0 ? 1 : 0));
        }
        foreach (var (name, (deviation, cases, failed)) in worst.OrderBy(w => w.Key))
            output.WriteLine($"{name}: {cases} cases, {failed} failed, max deviation {deviation:G3}");
        Assert.All(worst, w => Assert.Equal(0, w.Value.Failed));
    }

    [Fact]
    public void APerturbedGolden_IsCaught()
    {
        // The comparison can fail: nudge one final value of a real case by 1e-3 (relative) and it must.
        string id = DiffusersGoldens.CaseIds().First(i => DiffusersGoldens.Case(i)["final"] is not null);
        var c = DiffusersGoldens.Case(id).DeepClone().AsObject();
        var final = c["final"]!.AsArray();
        double scale = Math.Max(1, final.Max(v => Math.Abs((double)v!)));
        final[3] = (double)final[3]! + 1e-3 * scale;

        var (deviation, failures) = DiffusersGoldens.Run(c);

        Assert.Contains(failures, f => f.StartsWith("final sample", StringComparison.Ordinal));
        Assert.True(deviation > DiffusersGoldens.Tolerance);
    }
}
