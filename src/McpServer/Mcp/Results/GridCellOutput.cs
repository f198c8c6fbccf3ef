using System.ComponentModel;

namespace Easel.McpServer.Mcp.Results;

[Description("One grid cell and its image.")]
public sealed record GridCellOutput(
    [property: Description("Column, from 0.")] int Column,
    [property: Description("Row, from 0.")] int Row,
    [property: Description("The x-axis value of this cell.")] string X,
    [property: Description("The y-axis value of this cell (absent for a one-row grid).")] string? Y,
    [property: Description("Image id; pass it (or the uri) as 'image' to edit this image.")] string Id,
    [property: Description("MCP resource URI of the full PNG (resources/read).")] string Uri,
    [property: Description("Absolute path of the PNG on the server's machine.")] string Path,
    long Seed,
    int Width,
    int Height);
