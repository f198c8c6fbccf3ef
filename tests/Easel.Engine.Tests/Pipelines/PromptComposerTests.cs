using Easel.Engine.Text;

namespace Easel.Engine.Tests.Pipelines;

/// <summary>Structured prompt composition: field order, style presets and the token window.</summary>
public class PromptComposerTests
{
    [Fact]
    public void PromptComposerOrdersFieldsAppliesPresetsAndTrimsToTheWindow()
    {
        int Count(string s) => s.Split(new[] { ' ', ',' }, StringSplitOptions.RemoveEmptyEntries).Length;
        var c = PromptComposer.Compose(new PromptParts { Subject = "a lighthouse", Style = "watercolor", Lighting = "golden hour", Negatives = "text" }, "m", true, Count);
        Assert.StartsWith("a lighthouse, watercolor painting", c.Prompt);
        Assert.EndsWith("golden hour", c.Prompt);
        Assert.StartsWith("text, photograph", c.NegativePrompt);
        Assert.Equal("watercolor", c.Style);

        var noNeg = PromptComposer.Compose(new PromptParts { Subject = "a lighthouse", Negatives = "text" }, "turbo", false, Count);
        Assert.Equal("", noNeg.NegativePrompt);
        Assert.Contains(noNeg.Notes, n => n.Contains("negative prompt is left empty"));

        var longMood = string.Join(" ", Enumerable.Repeat("calm", 80));
        var trimmed = PromptComposer.Compose(new PromptParts { Subject = "a lighthouse", Mood = longMood }, "m", true, Count);
        Assert.Equal("a lighthouse", trimmed.Prompt);
        Assert.Contains(trimmed.Notes, n => n.StartsWith("dropped mood", StringComparison.Ordinal));
        Assert.Throws<EaselValidationException>(() => PromptComposer.Compose(new PromptParts { Subject = "x", Style = "vaporwave" }, "m", true, Count));
        Assert.Throws<EaselValidationException>(() => PromptComposer.Compose(new PromptParts { Subject = " " }, "m", true, Count));
        Assert.True(PromptComposer.StylePresets.Count >= 5);
    }
}
