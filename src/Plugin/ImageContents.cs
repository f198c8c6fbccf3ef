using Easel.Engine.Pipelines;
using Microsoft.SemanticKernel;

namespace Easel.Plugin;

/// <summary>Turns a saved image into SK's <see cref="ImageContent"/>: PNG bytes, MIME type and the file URI together.</summary>
internal static class ImageContents
{
    public const string PngMimeType = "image/png";

    public static ImageContent From(GeneratedImage image, string model, string? summaryJson = null)
    {
        var metadata = new Dictionary<string, object?>
        {
            ["id"] = image.Id,
            ["uri"] = image.Stored.ResourceUri,
            ["path"] = image.Path,
            ["file_uri"] = image.Stored.FileUri.AbsoluteUri,
            ["seed"] = image.Seed,
            ["width"] = image.Width,
            ["height"] = image.Height,
            ["parameters"] = image.Metadata.ToJson(),
        };
        if (summaryJson is not null) metadata["summary"] = summaryJson;
        // Data for connectors that send pixels, Uri for callers (and SK's GenerateImageAsync) that want the file.
        return new ImageContent(File.ReadAllBytes(image.Path), PngMimeType)
        {
            Uri = image.Stored.FileUri,
            ModelId = model,
            Metadata = metadata,
        };
    }
}
