using System.ComponentModel;

namespace Easel.McpServer.Mcp.Results;

[Description("An X/Y grid: the labelled contact sheet and every cell image.")]
public sealed record GridToolOutput(
    [property: Description("Always grid.")] string Operation,
    [property: Description("What the columns vary: seed, guidance, steps, scheduler, strength, prompt or model.")] string XAxis,
    [property: Description("The column values, left to right.")] IReadOnlyList<string> XValues,
    [property: Description("What the rows vary (absent for a one-row grid).")] string? YAxis,
    [property: Description("The row values, top to bottom (absent for a one-row grid).")] IReadOnlyList<string>? YValues,
    int Columns,
    int Rows,
    [property: Description("The contact sheet PNG with the axis values written on it.")] ImageOutput Sheet,
    [property: Description("The cells in row-major order (row 0 left to right first).")] IReadOnlyList<GridCellOutput> Cells,
    [property: Description("Things the caller may want to know.")] IReadOnlyList<string> Warnings,
    [property: Description("Wall-clock seconds.")] double Seconds,
    [property: Description("What was inlined: none, or preview (the sheet, downscaled to fit).")] string Inline);
