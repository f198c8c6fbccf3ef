using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Engine.Grids;

/// <summary>Draws a contact sheet: cells on a white sheet, axis names and values in black (see <see cref="ContactSheetLayout"/>).</summary>
public static class ContactSheet
{
    public static readonly Rgb24 Background = new(255, 255, 255);
    public static readonly Rgb24 Ink = new(0, 0, 0);

    /// <summary>The sheet; <paramref name="cells"/> are row-major and each is centred in its cell when smaller.</summary>
    public static Image<Rgb24> Render(ContactSheetLayout layout, IReadOnlyList<Image<Rgb24>> cells)
    {
        if (cells.Count != layout.Columns * layout.Rows)
            throw new ArgumentException($"{cells.Count} cell images for a {layout.Columns}x{layout.Rows} grid", nameof(cells));
        var sheet = new Image<Rgb24>(layout.Width, layout.Height, Background);
        for (int line = 0; line < layout.CornerLines.Count; line++)
        {
            var (x, y) = layout.CornerLineAt(line);
            BitmapFont.Draw(sheet, layout.CornerLines[line], x, y, Ink, layout.Scale);
        }
        for (int column = 0; column < layout.Columns; column++)
        {
            var (x, y) = layout.ColumnLabelAt(column);
            BitmapFont.Draw(sheet, layout.ColumnLabel(column), x, y, Ink, layout.Scale);
        }
        for (int row = 0; row < layout.Rows; row++)
        {
            var (x, y) = layout.RowLabelAt(row);
            BitmapFont.Draw(sheet, layout.RowLabel(row), x, y, Ink, layout.Scale);
        }
        for (int i = 0; i < cells.Count; i++)
        {
            var (x, y) = layout.Cell(i % layout.Columns, i / layout.Columns);
            var cell = cells[i];
            int left = x + ((layout.CellWidth - Math.Min(cell.Width, layout.CellWidth)) / 2);
            int top = y + ((layout.CellHeight - Math.Min(cell.Height, layout.CellHeight)) / 2);
            for (int cy = 0; cy < Math.Min(cell.Height, layout.CellHeight); cy++)
                for (int cx = 0; cx < Math.Min(cell.Width, layout.CellWidth); cx++)
                    sheet[left + cx, top + cy] = cell[cx, cy];
        }
        return sheet;
    }
}
