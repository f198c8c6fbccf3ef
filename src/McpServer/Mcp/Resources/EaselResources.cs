using System.ComponentModel;
using Easel.Engine;
using Easel.Engine.Imaging;
using Easel.McpServer.Mcp.Tools;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Easel.McpServer.Mcp.Resources;

/// <summary>
/// Resources: every saved image as <c>easel://images/{id}</c> (PNG blob), a JSON listing of recent images, and
/// the models. The listing (resources/list) also names the recent images one by one; see <see cref="RecentImageList"/>.
/// </summary>
[McpServerResourceType]
public sealed class EaselResources(EaselEngine engine)
{
    public const string ImageUriTemplate = "easel://images/{id}";
    public const string RecentImagesUri = "easel://images";
    public const string ModelsUri = "easel://models";
    public const int RecentCount = 50;

    [McpServerResource(UriTemplate = ImageUriTemplate, Name = "image", Title = "Generated image", MimeType = "image/png")]
    [Description("A PNG that Easel generated (full resolution, with its generation parameters embedded). The id comes from a tool result or the easel://images listing.")]
    public ResourceContents ReadImage([Description("Image id, e.g. easel-20250101-120000-42-abc123.")] string id)
    {
        // Find serves only regular files named like an id: a symlink planted in the output folder is not an image.
        var stored = engine.Store.Find(id)
            ?? throw new McpException($"No image '{(id.Length <= 80 ? id : id[..77] + "...")}' in {engine.Store.Directory}. List {RecentImagesUri} for the recent ones.");
        try
        {
            return BlobResourceContents.FromBytes(LocalFile.ReadRegular(stored.Path, ImageReference.MaxFileBytes, "uri", singleLinkOnly: true), stored.ResourceUri, "image/png");
        }
        catch (EaselException ex)
        {
            throw new McpException(ex.Message);
        }
    }

    [McpServerResource(UriTemplate = RecentImagesUri, Name = "recent_images", Title = "Recent images", MimeType = "application/json")]
    [Description("The most recent generated images, newest first: id, resource uri, path, size and creation time.")]
    public string RecentImages() => McpJson.Serialize(new
    {
        directory = engine.Store.Directory,
        images = engine.Store.Recent(RecentCount).Select(i => new
        {
            id = i.Id,
            uri = i.ResourceUri,
            path = i.Path,
            bytes = i.Bytes,
            created = i.Created,
        }),
    });

    [McpServerResource(UriTemplate = ModelsUri, Name = "models", Title = "Models", MimeType = "application/json")]
    [Description("The local diffusion models and what each can do (the same data as the list_models tool).")]
    public string Models()
    {
        var models = engine.ListModels();
        return McpJson.Serialize(new
        {
            default_model = models.FirstOrDefault(m => m.IsDefault)?.Name,
            models = models.Select(CatalogTools.Describe),
        });
    }
}

/// <summary>resources/list: the recent images by name, so clients with a resource picker can attach one.</summary>
internal static class RecentImageList
{
    public static ValueTask<ListResourcesResult> ListAsync(EaselEngine engine) => ValueTask.FromResult(new ListResourcesResult
    {
        Resources = engine.Store.Recent(EaselResources.RecentCount).Select(i => new Resource
        {
            Uri = i.ResourceUri,
            Name = i.Id + ".png",
            Title = i.Id,
            MimeType = "image/png",
            Size = i.Bytes,
            Description = "Generated " + i.Created.ToString("u"),
        }).ToList(),
    });
}
