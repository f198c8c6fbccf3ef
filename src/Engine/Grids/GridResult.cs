using Easel.Engine.Imaging;
using Easel.Engine.Pipelines;

namespace Easel.Engine.Grids;

/// <summary>A finished grid: the cells in row-major order (row 0 left to right first) and the labelled contact sheet.</summary>
public sealed record GridResult(
    GridAxis X,
    GridAxis? Y,
    IReadOnlyList<GridCell> Cells,
    StoredImage Sheet,
    int SheetWidth,
    int SheetHeight,
    IReadOnlyList<string> Warnings,
    TimeSpan Elapsed)
{
    public int Columns => X.Values.Count;
    public int Rows => Y?.Values.Count ?? 1;

    /// <summary>All cell images as one generation result (for surfaces that present images).</summary>
    public IReadOnlyList<GeneratedImage> Images => Cells.Select(c => c.Image).ToList();
}
