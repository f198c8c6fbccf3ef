using System.Globalization;
using System.Text.RegularExpressions;
using Easel.Engine.Vocabulary;
using Microsoft.SemanticKernel;

namespace Easel.Plugin.Tests;

/// <summary>
/// The limits the kernel functions' parameter descriptions state (what a chat model reads) are the engine's
/// <see cref="EaselLimits"/>: every "a–b" range and "up to N" in a description is checked against the constant.
/// </summary>
public sealed partial class DescribedLimitTests
{
    /// <summary>Each limited parameter and the range its description must state.</summary>
    private static readonly Dictionary<string, (double Min, double Max)> Ranges = new(StringComparer.Ordinal)
    {
        ["count"] = (1, EaselLimits.MaxCount),
        ["steps"] = (1, EaselLimits.MaxSteps),
        ["guidance"] = (0, EaselLimits.MaxGuidance),
        ["mask_grow"] = (0, EaselLimits.MaxMaskPixels),
        ["mask_feather"] = (0, EaselLimits.MaxMaskPixels),
        ["strength"] = (0, 1),
        ["images_per_prompt"] = (1, EaselLimits.MaxDatasetImagesPerPrompt),
    };

    [GeneratedRegex(@"(\d+(?:\.\d+)?)–(\d+(?:\.\d+)?)")]
    private static partial Regex RangePattern();

    [GeneratedRegex(@"up to (\d+)")]
    private static partial Regex UpToPattern();

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [Fact]
    public void Every_range_in_a_parameter_description_is_the_engines_constant()
    {
        using var h = new KernelHarness();
        int checkedRanges = 0, checkedSides = 0;
        foreach (var function in h.Kernel.Plugins[EaselPlugin.DefaultName])
            foreach (var parameter in function.Metadata.Parameters)
            {
                var where = $"{function.Name}.{parameter.Name}: \"{parameter.Description}\"";
                foreach (Match range in RangePattern().Matches(parameter.Description))
                {
                    Assert.True(Ranges.TryGetValue(parameter.Name, out var expected), "a range nobody checks in " + where);
                    Assert.Equal(expected, (Number(range.Groups[1].Value), Number(range.Groups[2].Value)));
                    checkedRanges++;
                }
                if (Ranges.ContainsKey(parameter.Name) && parameter.Name != "strength")
                    Assert.Matches(RangePattern(), parameter.Description);
                foreach (Match side in UpToPattern().Matches(parameter.Description))
                {
                    Assert.True(parameter.Name is "width" or "height", "an 'up to' nobody checks in " + where);
                    Assert.Equal(EaselLimits.MaxSide, (int)Number(side.Groups[1].Value));
                    checkedSides++;
                }
                if (parameter.Name is "width" or "height" && function.Name is "generate_image" or "restyle_image")
                    Assert.Matches(UpToPattern(), parameter.Description);
            }
        // generate count/steps/guidance, restyle strength/steps/guidance, inpaint strength/grow/feather/steps/guidance,
        // outpaint strength/steps/guidance, variations count/strength/steps/guidance, grid steps/guidance, data set
        // images_per_prompt/steps.
        Assert.Equal(22, checkedRanges);
        Assert.Equal(4, checkedSides);
    }

    [Fact]
    public void The_variation_count_description_states_the_shared_default_and_the_signature_uses_it()
    {
        using var h = new KernelHarness();
        var count = h.Kernel.Plugins[EaselPlugin.DefaultName]["create_variations"].Metadata.Parameters.Single(p => p.Name == "count");
        Assert.Contains($"default {EaselLimits.DefaultVariationCount}.", count.Description);
        Assert.Equal(EaselLimits.DefaultVariationCount, Convert.ToInt32(count.DefaultValue, CultureInfo.InvariantCulture));
        var generateCount = h.Kernel.Plugins[EaselPlugin.DefaultName]["generate_image"].Metadata.Parameters.Single(p => p.Name == "count");
        Assert.Equal(EaselLimits.DefaultCount, Convert.ToInt32(generateCount.DefaultValue, CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_json_schema_the_model_is_offered_carries_the_same_text()
    {
        using var h = new KernelHarness();
        var steps = h.Kernel.Plugins[EaselPlugin.DefaultName]["generate_image"].Metadata.Parameters.Single(p => p.Name == "steps");
        Assert.Contains($"1–{EaselLimits.MaxSteps}", steps.Description);
        Assert.Equal(steps.Description, steps.Schema!.RootElement.GetProperty("description").GetString());
    }
}
