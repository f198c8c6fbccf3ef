using System.Globalization;
using System.Text;
using Easel.Engine.Grids;
using Easel.Engine.Imaging;
using ModelContextProtocol.Protocol;

namespace Easel.McpServer.Mcp.Results;

/// <summary>
/// A grid as a tool result: a summary, the contact sheet inlined as a preview sized to what is left of the 1 MB
/// budget, and a resource link per cell and for the sheet (the full PNGs). 64 cells stay far below the limit.
/// </summary>
internal static class GridResultBuilder
{
    public static GridToolOutput Describe(GridResult result, InlineMode inline) => new(
        "grid",
        result.X.Name,
        result.X.Values,
        result.Y?.Name,
        result.Y?.Values,
        result.Columns,
        result.Rows,
        new ImageOutput(result.Sheet.Id, result.Sheet.ResourceUri, result.Sheet.Path, result.Sheet.FileUri.AbsoluteUri, result.Cells[0].Image.Seed,
            result.SheetWidth, result.SheetHeight, result.Sheet.Bytes, "image/png"),
        result.Cells.Select(c => new GridCellOutput(c.Column, c.Row, c.XValue, c.YValue, c.Image.Id, c.Image.Stored.ResourceUri, c.Image.Path,
            c.Image.Seed, c.Image.Width, c.Image.Height)).ToList(),
        result.Warnings,
        Math.Round(result.Elapsed.TotalSeconds, 3),
        inline == InlineMode.None ? "none" : "preview");

    public static CallToolResult Build(GridResult result, InlineMode inline)
    {
        var links = new List<ContentBlock> { Link(result.Sheet, $"contact sheet {result.Columns}x{result.Rows}, {result.SheetWidth}x{result.SheetHeight}") };
        links.AddRange(result.Cells.Select(c => Link(c.Image.Stored, $"cell {c.Column},{c.Row}: {result.X.Name}={c.XValue}{(c.YValue is null ? "" : $", {result.Y!.Name}={c.YValue}")}, seed {c.Image.Seed}")));
        var skeleton = Assemble(result, inline, null, links);
        InlineImage? preview = null;
        if (inline != InlineMode.None)
        {
            long room = ImageResultBuilder.MaxResultBytes - ImageResultBuilder.Size(skeleton) - 512;
            preview = PreviewEncoder.Encode(File.ReadAllBytes(result.Sheet.Path), result.SheetWidth, result.SheetHeight, Math.Max(0, room / 4 * 3));
        }
        return Assemble(result, inline, preview, links);
    }

    private static CallToolResult Assemble(GridResult result, InlineMode inline, InlineImage? preview, IReadOnlyList<ContentBlock> links)
    {
        var content = new List<ContentBlock> { new TextContentBlock { Text = Summary(result, preview) } };
        if (preview is not null) content.Add(ImageContentBlock.FromBytes(preview.Bytes, preview.MimeType));
        content.AddRange(links);
        return new CallToolResult { Content = content, StructuredContent = McpJson.ToElement(Describe(result, inline)) };
    }

    private static ResourceLinkBlock Link(StoredImage image, string title) => new()
    {
        Uri = image.ResourceUri,
        Name = image.Id + ".png",
        Title = title,
        MimeType = "image/png",
        Size = image.Bytes,
    };

    private static string Summary(GridResult result, InlineImage? preview)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(inv, $"Grid of {result.Cells.Count} image(s) ({result.Columns} x {result.Rows}) in {result.Elapsed.TotalSeconds:F1} s. ");
        text.Append(inv, $"Columns: {result.X.Name} = {string.Join(", ", result.X.Values)}.");
        if (result.Y is { } y) text.Append(inv, $" Rows: {y.Name} = {string.Join(", ", y.Values)}.");
        text.Append(inv, $"\nContact sheet {result.SheetWidth}x{result.SheetHeight}: {result.Sheet.ResourceUri} ({result.Sheet.Path})");
        if (preview is not null && preview.Width != result.SheetWidth)
            text.Append(inv, $"\nThe inline sheet is a {preview.Width}x{preview.Height} preview; the links give the full PNGs.");
        foreach (var warning in result.Warnings) text.Append("\nwarning: ").Append(warning);
        return text.ToString();
    }
}
