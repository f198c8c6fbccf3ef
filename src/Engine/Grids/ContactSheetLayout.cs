namespace Easel.Engine.Grids;

/// <summary>
/// Where everything sits on a contact sheet: a label band on top (column values), one on the left (row values),
/// the axis names in the top-left corner, cells <see cref="Gap"/> pixels apart. Labels are drawn with
/// <see cref="BitmapFont"/> at <see cref="Scale"/>; a label wider than its room is cut and ends in '~'.
/// </summary>
public sealed class ContactSheetLayout
{
    public const int Gap = 2;

    public ContactSheetLayout(GridAxis x, GridAxis? y, int cellWidth, int cellHeight)
    {
        X = x;
        Y = y;
        CellWidth = cellWidth;
        CellHeight = cellHeight;
        Scale = cellWidth >= 192 ? 2 : 1;
        Padding = 4 * Scale;
        LineHeight = BitmapFont.GlyphHeight * Scale;
        CornerLines = y is null ? [$"x: {x.Name}"] : [$"x: {x.Name}", $"y: {y.Name}"];
        int rowLabels = y is null ? 0 : Enumerable.Range(0, y.Values.Count).Max(i => BitmapFont.Measure(y.Label(i), Scale));
        int corner = CornerLines.Max(l => BitmapFont.Measure(l, Scale));
        // Row labels get room up to twice a cell (at least 96 px); longer ones are cut.
        LeftWidth = (2 * Padding) + Math.Min(Math.Max(corner, rowLabels), Math.Max(2 * cellWidth, 96 * Scale));
        TopHeight = (2 * Padding) + (CornerLines.Count * LineHeight) + ((CornerLines.Count - 1) * Padding);
        Width = LeftWidth + (Columns * cellWidth) + ((Columns - 1) * Gap) + Padding;
        Height = TopHeight + (Rows * cellHeight) + ((Rows - 1) * Gap) + Padding;
    }

    public GridAxis X { get; }
    public GridAxis? Y { get; }
    public int Columns => X.Values.Count;
    public int Rows => Y?.Values.Count ?? 1;
    public int CellWidth { get; }
    public int CellHeight { get; }
    public int Scale { get; }
    public int Padding { get; }
    public int LineHeight { get; }
    public int LeftWidth { get; }
    public int TopHeight { get; }
    public int Width { get; }
    public int Height { get; }
    public long Pixels => (long)Width * Height;
    public IReadOnlyList<string> CornerLines { get; }

    /// <summary>Top-left corner of a cell.</summary>
    public (int X, int Y) Cell(int column, int row) => (LeftWidth + (column * (CellWidth + Gap)), TopHeight + (row * (CellHeight + Gap)));

    /// <summary>The text of a column's label as drawn (cut to the cell's width).</summary>
    public string ColumnLabel(int column) => BitmapFont.Fit(X.Label(column), CellWidth - 2, Scale);

    /// <summary>The text of a row's label as drawn (cut to the left band).</summary>
    public string RowLabel(int row) => Y is null ? "" : BitmapFont.Fit(Y.Label(row), LeftWidth - (2 * Padding), Scale);

    /// <summary>Top-left corner of a column's label: centred over the column, on the band's last line.</summary>
    public (int X, int Y) ColumnLabelAt(int column)
    {
        var (x, _) = Cell(column, 0);
        return (x + ((CellWidth - BitmapFont.Measure(ColumnLabel(column), Scale)) / 2), TopHeight - Padding - LineHeight);
    }

    /// <summary>Top-left corner of a row's label: left-aligned, centred on the row.</summary>
    public (int X, int Y) RowLabelAt(int row)
    {
        var (_, y) = Cell(0, row);
        return (Padding, y + ((CellHeight - LineHeight) / 2));
    }

    /// <summary>Top-left corner of a corner line (axis names).</summary>
    public (int X, int Y) CornerLineAt(int line) => (Padding, Padding + (line * (LineHeight + Padding)));
}
