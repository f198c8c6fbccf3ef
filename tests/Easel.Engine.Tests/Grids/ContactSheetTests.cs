using Easel.Engine.Grids;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Engine.Tests.Grids;

/// <summary>The contact sheet's geometry and labels, checked on pixels (no model needed).</summary>
public class ContactSheetTests
{
    private static readonly GridAxis Seeds = new(GridAxisKind.Seed, ["11", "22", "33"]);
    private static readonly GridAxis Guidance = new(GridAxisKind.Guidance, ["1.5", "7.5"]);

    private static List<Image<Rgb24>> SolidCells(int count, int side) =>
        Enumerable.Range(0, count).Select(i => new Image<Rgb24>(side, side, new Rgb24((byte)(40 + (i * 30)), (byte)(200 - (i * 20)), (byte)(i * 17)))).ToList();

    /// <summary>Every place <paramref name="text"/>, drawn with the sheet's font, occurs on the sheet.</summary>
    private static List<(int X, int Y)> Find(Image<Rgb24> sheet, string text, int scale)
    {
        int w = BitmapFont.Measure(text, scale), h = BitmapFont.GlyphHeight * scale;
        using var stamp = new Image<Rgb24>(w, h, ContactSheet.Background);
        BitmapFont.Draw(stamp, text, 0, 0, ContactSheet.Ink, scale);
        var hits = new List<(int, int)>();
        for (int y = 0; y + h <= sheet.Height; y++)
            for (int x = 0; x + w <= sheet.Width; x++)
            {
                bool match = true;
                for (int sy = 0; sy < h && match; sy++)
                    for (int sx = 0; sx < w && match; sx++)
                        match = sheet[x + sx, y + sy].Equals(stamp[sx, sy]);
                if (match) hits.Add((x, y));
            }
        return hits;
    }

    [Fact]
    public void EveryAxisValueIsWrittenOnceOverItsColumnOrBesideItsRow()
    {
        var layout = new ContactSheetLayout(Seeds, Guidance, 64, 64);
        var cells = SolidCells(6, 64);
        using var sheet = ContactSheet.Render(layout, cells);
        Assert.Equal((layout.Width, layout.Height), (sheet.Width, sheet.Height));
        for (int column = 0; column < 3; column++)
        {
            var hits = Find(sheet, Seeds.Values[column], layout.Scale);
            var (cellX, _) = layout.Cell(column, 0);
            // Found above its column, horizontally within it, and nowhere else on the label bands.
            Assert.Contains(hits, h => h.Y < layout.TopHeight && h.X >= cellX && h.X < cellX + 64);
            Assert.Single(hits, h => h.Y < layout.TopHeight);
        }
        for (int row = 0; row < 2; row++)
        {
            var hits = Find(sheet, Guidance.Values[row], layout.Scale);
            var (_, cellY) = layout.Cell(0, row);
            Assert.Single(hits, h => h.X < layout.LeftWidth);
            Assert.Contains(hits, h => h.X < layout.LeftWidth && h.Y >= cellY && h.Y < cellY + 64);
        }
        Assert.Single(Find(sheet, "x: seed", layout.Scale));
        Assert.Single(Find(sheet, "y: guidance", layout.Scale));
        foreach (var cell in cells) cell.Dispose();
    }

    [Fact]
    public void CellsAreLaidOutRowMajorWithTheirOwnPixels()
    {
        var layout = new ContactSheetLayout(Seeds, Guidance, 32, 32);
        var cells = SolidCells(6, 32);
        using var sheet = ContactSheet.Render(layout, cells);
        for (int i = 0; i < 6; i++)
        {
            var (x, y) = layout.Cell(i % 3, i / 3);
            Assert.Equal(cells[i][0, 0], sheet[x, y]);
            Assert.Equal(cells[i][31, 31], sheet[x + 31, y + 31]);
            Assert.Equal(ContactSheet.Background, sheet[x + 32, y + 32]); // the gap after it
        }
        // Widths add up: left band, 3 cells with 2 gaps, right margin.
        Assert.Equal(layout.LeftWidth + (3 * 32) + (2 * ContactSheetLayout.Gap) + layout.Padding, layout.Width);
        foreach (var cell in cells) cell.Dispose();
    }

    [Fact]
    public void LongLabelsAreCutToTheirCellAndMarked()
    {
        var prompts = new GridAxis(GridAxisKind.Prompt, ["red", "a very long replacement phrase"]);
        var layout = new ContactSheetLayout(prompts, null, 64, 64);
        Assert.Equal("red", layout.ColumnLabel(0));
        var cut = layout.ColumnLabel(1);
        Assert.EndsWith("~", cut);
        Assert.True(BitmapFont.Measure(cut) <= 62, cut);
        Assert.StartsWith(cut[..^1], prompts.Values[1], StringComparison.Ordinal);
    }

    [Fact]
    public void LargeCellsGetTwiceTheFontSize()
    {
        var layout = new ContactSheetLayout(Seeds, null, 512, 512);
        Assert.Equal(2, layout.Scale);
        var cells = SolidCells(3, 512);
        using var sheet = ContactSheet.Render(layout, cells);
        Assert.Single(Find(sheet, "22", 2), h => h.Y < layout.TopHeight);
        foreach (var cell in cells) cell.Dispose();
    }

    [Fact]
    public void EveryPrintableCharacterHasItsOwnGlyph()
    {
        var glyphs = Enumerable.Range(' ', '~' - ' ' + 1).Select(c => string.Concat(
            Enumerable.Range(0, BitmapFont.GlyphWidth * BitmapFont.GlyphHeight).Select(i => BitmapFont.Ink((char)c, i % BitmapFont.GlyphWidth, i / BitmapFont.GlyphWidth) ? '#' : '.'))).ToList();
        Assert.Equal(glyphs.Count, glyphs.Distinct().Count());
        Assert.DoesNotContain('#', glyphs[0]); // space is blank
        Assert.Equal(glyphs['?' - ' '], string.Concat(Enumerable.Range(0, 35).Select(i => BitmapFont.Ink('\u00e9', i % 5, i / 5) ? '#' : '.')));
    }
}
