using Easel.Engine;
using Easel.Engine.Schedulers;
using Easel.Engine.Text;

namespace Easel.Plugin;

/// <summary>One model as list_models shows it; capabilities are null (and <see cref="Error"/> set) when the folder cannot load.</summary>
public sealed record ModelSummary(
    string Name,
    bool IsDefault,
    string? Family,
    int? Width,
    int? Height,
    bool? FixedSize,
    int? DefaultSteps,
    double? DefaultGuidance,
    string? DefaultScheduler,
    bool? Inpainting,
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
            return new ModelSummary(m.Name, m.IsDefault, c?.Family.ToString(), c?.NativeWidth, c?.NativeHeight, c?.FixedSize,
                c?.DefaultSteps, c?.DefaultGuidance, c?.DefaultScheduler, c?.IsInpaintModel, c is null ? null : c.IsTurbo || c.IsLcm,
                c?.UsesNegativePrompt, m.Path, m.Error);
        }).ToList();
        var presets = PromptComposer.StylePresets.Values.Select(p => new StylePresetSummary(p.Name, p.Description)).ToList();
        return new ModelListing(models.FirstOrDefault(m => m.IsDefault)?.Name, models, SchedulerFactory.Names, presets);
    }
}
