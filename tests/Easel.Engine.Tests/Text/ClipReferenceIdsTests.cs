using Easel.Engine.Text;

namespace Easel.Engine.Tests.Text;

/// <summary>Ids must equal those of openai/CLIP's simple_tokenizer.py on the full vocabulary.</summary>
public class ClipReferenceIdsTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var file in new[] { "reference_ids.json", "extra_ids.json" })
        {
            for (int i = 0; i < ClipFixtures.ReadCases(file).Count; i++)
                data.Add(file, i);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EncodeMatchesClip(string file, int index)
    {
        var (text, expected) = ClipFixtures.ReadCases(file)[index];
        Assert.Equal(expected, ClipFixtures.Full.Encode(text));
    }

    [Fact]
    public void RandomMixesMatchClip()
    {
        // 400 seeded mixes of scripts, astral characters, references and special-token fragments; one report
        // listing the first failures rather than 400 theory rows.
        var cases = ClipFixtures.ReadCases("fuzz_ids.json");
        Assert.Equal(400, cases.Count);
        var failures = cases.Where(c => !c.Ids.SequenceEqual(ClipFixtures.Full.Encode(c.Text)))
            .Select(c => System.Text.Json.JsonSerializer.Serialize(c.Text)).ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} differ, e.g. {string.Join(", ", failures.Take(5))}");
    }

    [Fact]
    public void FixturesHoldTheExpectedCases()
    {
        Assert.Equal(14, ClipFixtures.ReadCases("reference_ids.json").Count);
        Assert.True(ClipFixtures.ReadCases("extra_ids.json").Count >= 15);
    }

    [Fact]
    public void EncodeWithoutSpecialIsEncodeWithoutBosAndEos()
    {
        var tokenizer = ClipFixtures.Full;
        foreach (var (text, ids) in ClipFixtures.ReadCases("reference_ids.json"))
            Assert.Equal(ids[1..^1], tokenizer.EncodeWithoutSpecial(text));
    }
}
