namespace Easel.Engine.Grids;

/// <summary>What a grid axis varies over the base request.</summary>
public enum GridAxisKind
{
    Seed,
    Guidance,
    Steps,
    Scheduler,
    /// <summary>img2img strength; the grid needs a source image.</summary>
    Strength,
    /// <summary>Prompt search/replace (AUTOMATIC1111's "prompt S/R"): the first value is replaced by each value in turn.</summary>
    Prompt,
    Model,
}
