using Easel.Engine;
using Easel.Engine.Schedulers;
using Easel.Engine.Text;
using Easel.Engine.Vocabulary;

namespace Easel.Plugin;

/// <summary>
/// One model as list_models shows it, with the field names of every Easel surface (family "sd1"/"sd2"/"sdxl",
/// native_width, native_height, inpainting, can_edit); capabilities are null (and <see cref="Error"/> set) when the
/// folder cannot load.
/// </summary>
public sealed record ModelSummary(
    string Name,
    bool IsDefault,
    string? Family,
    int? NativeWidth,
    int? NativeHeight,
    bool? FixedSize,
    int? DefaultSteps,
    double? DefaultGuidance,
    string? DefaultScheduler,
    bool? Inpainting,
    bool? CanEdit,
    bool? FewStep,
    bool? UsesNegativePrompt,
    string Path,
    string? Error);

public sealed record StylePresetSummary(string Name, string Description);

/// <summary>What list_models returns: the models, the samplers and the compose_prompt style presets.</summary>
public sealed record ModelListing(string? DefaultModel, IReadOnlyList<ModelSummary> Models, IReadOnlyList<string> Schedulers, IReadOnlyList<StylePresetSummary> StylePresets)
{
    public static ModelListing From(EaselEngine engine)
    {
        var models = engine.ListModels().Select(m =>
        {
            var c = m.Capabilities;
            return new ModelSummary(m.Name, m.IsDefault, c is null ? null : ModelFamilies.Name(c.Family), c?.NativeWidth, c?.NativeHeight, c?.FixedSize,
                c?.DefaultSteps, c?.DefaultGuidance, c?.DefaultScheduler, c?.IsInpaintModel, c?.HasVaeEncoder, c is null ? null : c.IsTurbo || c.IsLcm,
                c?.UsesNegativePrompt, m.Path, m.Error);
        }).ToList();
        var presets = PromptComposer.StylePresets.Values.Select(p => new StylePresetSummary(p.Name, p.Description)).ToList();
        return new ModelListing(models.FirstOrDefault(m => m.IsDefault)?.Name, models, SchedulerFactory.Names, presets);
    }
}
