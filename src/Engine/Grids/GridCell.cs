using Easel.Engine.Pipelines;

namespace Easel.Engine.Grids;

/// <summary>One cell: its column and row, the axis values that made it, and the saved image.</summary>
public sealed record GridCell(int Column, int Row, string XValue, string? YValue, GeneratedImage Image);
