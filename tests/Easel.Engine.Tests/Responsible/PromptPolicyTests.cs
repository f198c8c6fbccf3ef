using Easel.Engine.Pipelines;
using Easel.Engine.Safety;
using Microsoft.Extensions.Logging;

namespace Easel.Engine.Tests.Responsible;

/// <summary>The prompt policy refuses before any work, names the category, never echoes the matched text.</summary>
public class PromptPolicyTests
{
    private const string Policy = """
        { "categories": {
            "test words": { "terms": ["forbidden fruit"], "patterns": [] },
            "test pattern": { "terms": [], "patterns": ["\\bzebra\\b.*\\bpurple\\b"] } } }
        """;

    [Fact]
    public async Task OperatorPolicyRefusesTermsAndPatternsBeforeAnyImageIsWritten()
    {
        using var output = new TempDir();
        var policyFile = Path.Combine(output.Path, "policy.json");
        File.WriteAllText(policyFile, Policy);
        var log = new ListLoggerFactory();
        using var engine = new EaselEngine(new EaselOptions { OutputDirectory = Path.Combine(output.Path, "out"), ExecutionProvider = "cpu", PromptPolicyPath = policyFile },
            log);

        var term = await Assert.ThrowsAsync<EaselPolicyException>(() => engine.GenerateAsync(new GenerateRequest { Prompt = "A FORBIDDEN  fruit? no: Forbidden fruit!", Seed = 1, Steps = 2 }));
        Assert.Equal("prompt: refused by the prompt policy (category: test words).", term.Message);
        Assert.DoesNotContain("fruit", term.Message);
        var pattern = await Assert.ThrowsAsync<EaselPolicyException>(() => engine.GenerateAsync(new GenerateRequest { Prompt = "ok", NegativePrompt = "a zebra, very purple", Seed = 1 }));
        Assert.Equal(("negative_prompt", "test pattern"), (pattern.Field, pattern.Category));
        // Edits are checked before the source image is even read (it does not exist).
        var edit = await Assert.ThrowsAsync<EaselPolicyException>(() => engine.RestyleAsync(new EditRequest
        {
            Generation = new GenerateRequest { Prompt = "forbidden fruit" },
            Image = Path.Combine(output.Path, "missing.png"),
        }));
        Assert.Equal("test words", edit.Category);

        Assert.Empty(Directory.Exists(Path.Combine(output.Path, "out")) ? Directory.GetFiles(Path.Combine(output.Path, "out")) : []);
        Assert.Equal(3, log.Lines.Count(l => l.Contains("prompt policy: refused")));
        Assert.All(log.Lines, l => Assert.DoesNotContain("fruit", l));
        Assert.All(log.Lines, l => Assert.DoesNotContain("zebra", l));

        // Words that merely contain a term are not refused.
        var fine = await engine.GenerateAsync(new GenerateRequest { Prompt = "a red circle on a blue background, forbiddenfruit", Seed = 1, Steps = 2 });
        Assert.Single(fine.Images);
    }

    [Fact]
    public void PromptTextIsLoggedOnlyWhenConfigured()
    {
        var log = new ListLoggerFactory();
        var policy = PromptPolicy.Load(new EaselOptions { PromptPolicyLogsPrompts = true }, log.CreateLogger("t"));
        Assert.Throws<EaselPolicyException>(() => policy.Check("isis propaganda poster", null));
        Assert.Contains(log.Lines, l => l.Contains("isis propaganda poster") && l.Contains("violent extremism"));
    }

    [Fact]
    public void BuiltInListCoversTheObviousCategoriesAndNoneDisablesIt()
    {
        var builtIn = PromptPolicy.Load(new EaselOptions(), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        Assert.Equal(["sexual content involving minors", "non-consensual intimate imagery", "violent extremism"], builtIn.Categories);
        Assert.Equal("sexual content involving minors", Assert.Throws<EaselPolicyException>(() => builtIn.Check("a naked 12 year old", null)).Category);
        builtIn.Check("a red circle on a blue background", "blurry, low quality");
        builtIn.Check("a child flying a kite in a park", null);
        var none = PromptPolicy.Load(new EaselOptions { PromptPolicyPath = "none" }, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        Assert.Empty(none.Categories);
        none.Check("isis propaganda", null);
    }

    [Fact]
    public void ABrokenPolicyFileIsAClearError()
    {
        using var dir = new TempDir();
        var file = Path.Combine(dir.Path, "p.json");
        File.WriteAllText(file, """{ "categories": { "x": { "patterns": ["(unclosed"] } } }""");
        var ex = Assert.Throws<EaselException>(() => PromptPolicy.Load(new EaselOptions { PromptPolicyPath = file }, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));
        Assert.Contains("not a valid policy file", ex.Message);
        Assert.Contains("cannot read", Assert.Throws<EaselException>(() => PromptPolicy.Load(new EaselOptions { PromptPolicyPath = file + ".missing" }, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)).Message);
    }
}
