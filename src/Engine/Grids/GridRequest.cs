using Easel.Engine.Pipelines;

namespace Easel.Engine.Grids;

/// <summary>
/// An X/Y grid: <see cref="Base"/> varied along <see cref="X"/> (columns) and optionally <see cref="Y"/> (rows).
/// Every cell uses the base seed (one is drawn when it has none) unless the seed is an axis, so a row or column
/// differs only in what its axis names. With <see cref="Image"/> each cell is an img2img of that image.
/// </summary>
public sealed record GridRequest
{
    public required GenerateRequest Base { get; init; }
    public required GridAxis X { get; init; }
    public GridAxis? Y { get; init; }
    /// <summary>Source image for img2img cells (required by a strength axis).</summary>
    public ImageInput? Image { get; init; }
    public double? Strength { get; init; }
    public ResizeMode Resize { get; init; } = ResizeMode.Fit;
}
