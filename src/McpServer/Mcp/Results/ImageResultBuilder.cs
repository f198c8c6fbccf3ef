using System.Globalization;
using System.Text;
using System.Text.Json;
using Easel.Engine.Pipelines;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Easel.McpServer.Mcp.Results;

/// <summary>What a tool result inlines: nothing, a downscaled preview (default) or the full PNG.</summary>
internal enum InlineMode { None, Preview, Full }

/// <summary>
/// Turns a generation into an MCP tool result that every client can use: a short text summary (some clients drop
/// images), inline previews sized so the whole result stays under <see cref="MaxResultBytes"/> (Claude Desktop
/// rejects results over 1 MB; base64 costs tokens), a resource link per image to the full PNG, and
/// structuredContent matching <see cref="ImageToolOutput"/>.
/// </summary>
internal static class ImageResultBuilder
{
    /// <summary>The serialised CallToolResult stays under this (1 MB minus room for the JSON-RPC envelope).</summary>
    public const int MaxResultBytes = 1_000_000 - 8 * 1024;

    public static InlineMode ParseInline(string? value) => (value ?? "preview").Trim().ToLowerInvariant() switch
    {
        "preview" or "" => InlineMode.Preview,
        "none" => InlineMode.None,
        "full" => InlineMode.Full,
        _ => throw new Engine.EaselValidationException("inline", $"'{value}' is not one of none, preview, full."),
    };

    public static ImageToolOutput Describe(GenerationResult result, InlineMode inline, IReadOnlyList<string> notes)
    {
        var first = result.Images[0].Metadata;
        var images = result.Images.Select(i => new ImageOutput(i.Id, i.Stored.ResourceUri, i.Path, i.Stored.FileUri.AbsoluteUri,
            i.Seed, i.Width, i.Height, i.Stored.Bytes, "image/png")).ToList();
        var parameters = new GenerationParameters(first.Prompt, first.NegativePrompt, first.Width, first.Height, first.Steps,
            first.Guidance, first.Scheduler, first.Strength, result.Images.Count);
        return new ImageToolOutput(first.Operation, result.Model, images, parameters, result.Warnings,
            Math.Round(result.Timings.Total.TotalSeconds, 3), inline.ToString().ToLowerInvariant(), notes);
    }

    public static CallToolResult Build(GenerationResult result, InlineMode inline)
    {
        if (result.Images.Count == 0)
            throw new InvalidOperationException("A generation returned no images.");
        var notes = new List<string>();
        var links = result.Images.Select(Link).ToList();

        // Measure everything but the images, then share what is left of the budget between them.
        var skeleton = Assemble(result, inline, notes, [], links);
        long room = MaxResultBytes - Size(skeleton) - 1024 /* the notes added below */;
        long perImageBase64 = room / result.Images.Count - 128 /* block keys and mime type */;
        long perImageBytes = Math.Max(0, perImageBase64 / 4 * 3);

        var inlined = new List<InlineImage>();
        if (inline != InlineMode.None)
        {
            foreach (var image in result.Images)
            {
                var png = File.ReadAllBytes(image.Path);
                if (inline == InlineMode.Full)
                {
                    if (png.Length <= perImageBytes)
                    {
                        inlined.Add(new InlineImage(png, "image/png", image.Width, image.Height));
                        continue;
                    }
                    notes.Add($"{image.Id}: the full PNG ({Kb(png.Length)}) does not fit the 1 MB result limit, so a preview is inlined; read {image.Stored.ResourceUri} for the full image.");
                }
                var preview = PreviewEncoder.Encode(png, image.Width, image.Height, perImageBytes);
                if (preview is null) notes.Add($"{image.Id}: no preview fits the 1 MB result limit; read {image.Stored.ResourceUri}.");
                else inlined.Add(preview);
            }
        }

        var built = Assemble(result, inline, notes, inlined, links);
        if (Size(built) > MaxResultBytes)
        {
            // Cannot happen with the budget above; if it ever does, keep the result deliverable.
            notes.Add("inline images were dropped to keep the result under 1 MB.");
            built = Assemble(result, inline, notes, [], links);
        }
        return built;
    }

    /// <summary>The serialised size of a result as it goes on the wire.</summary>
    public static long Size(CallToolResult result) => JsonSerializer.SerializeToUtf8Bytes(result, McpJsonUtilities.DefaultOptions).LongLength;

    private static CallToolResult Assemble(GenerationResult result, InlineMode inline, List<string> notes, IReadOnlyList<InlineImage> images, IReadOnlyList<ResourceLinkBlock> links)
    {
        var content = new List<ContentBlock> { new TextContentBlock { Text = Summary(result, notes, images) } };
        content.AddRange(images.Select(i => ImageContentBlock.FromBytes(i.Bytes, i.MimeType)));
        content.AddRange(links);
        return new CallToolResult
        {
            Content = content,
            StructuredContent = McpJson.ToElement(Describe(result, inline, notes.ToList())),
        };
    }

    private static ResourceLinkBlock Link(GeneratedImage image) => new()
    {
        Uri = image.Stored.ResourceUri,
        Name = image.Id + ".png",
        Title = $"{image.Width}x{image.Height} seed {image.Seed}",
        Description = "Full-resolution PNG (resources/read). Also on disk at " + image.Path,
        MimeType = "image/png",
        Size = image.Stored.Bytes,
    };

    private static string Summary(GenerationResult result, IReadOnlyList<string> notes, IReadOnlyList<InlineImage> inlined)
    {
        var inv = CultureInfo.InvariantCulture;
        var m = result.Images[0].Metadata;
        var text = new StringBuilder();
        text.Append(inv, $"{Verb(m.Operation)} {result.Images.Count} image(s) with {result.Model} in {result.Timings.Total.TotalSeconds:F1} s ");
        text.Append(inv, $"({m.Width}x{m.Height}, {m.Steps} steps, guidance {m.Guidance}, {m.Scheduler}{(m.Strength is { } s ? string.Format(inv, ", strength {0}", s) : "")}).");
        foreach (var image in result.Images)
            text.Append(inv, $"\n- {image.Stored.ResourceUri} seed {image.Seed}: {image.Path}");
        if (inlined.Count > 0 && inlined[0].Width != m.Width)
            text.Append(inv, $"\nInline images are {inlined[0].Width}x{inlined[0].Height} previews; the links give the full PNGs.");
        foreach (var warning in result.Warnings) text.Append("\nwarning: ").Append(warning);
        foreach (var note in notes) text.Append("\nnote: ").Append(note);
        return text.ToString();
    }

    private static string Verb(string operation) => operation switch
    {
        "txt2img" => "Generated",
        "img2img" => "Restyled into",
        "inpaint" => "Inpainted",
        "outpaint" => "Outpainted",
        "variation" => "Made",
        _ => "Made",
    };

    private static string Kb(long bytes) => bytes >= 1024 * 1024 ? $"{bytes / (1024.0 * 1024):F1} MB" : $"{bytes / 1024} KB";
}
