using Easel.Engine;
using Easel.Engine.Pipelines;
using Microsoft.Extensions.AI;

namespace Easel.Plugin;

/// <summary>Maps the MEAI ways of handing over an image (content objects, bytes, strings) to the engine's <see cref="ImageInput"/>.</summary>
internal static class ContentInputs
{
    public static ImageInput From(object value, string field) => value switch
    {
        DataContent data => ImageInput.FromBytes(data.Data.ToArray()),
        UriContent { Uri.IsFile: true } uri => new ImageInput(uri.Uri.AbsoluteUri),
        UriContent { Uri.Scheme: "easel" } uri => new ImageInput(uri.Uri.OriginalString),
        UriContent uri => throw new EaselValidationException(field,
            $"{uri.Uri.Scheme} URIs are not fetched (Easel makes no network requests); download the image and pass its bytes or a file:// URI."),
        HostedFileContent hosted => new ImageInput(hosted.FileId),
        byte[] bytes => ImageInput.FromBytes(bytes),
        ReadOnlyMemory<byte> memory => ImageInput.FromBytes(memory.ToArray()),
        string reference => new ImageInput(reference),
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.String } json => new ImageInput(json.GetString()),
        Uri uri => new ImageInput(uri.IsAbsoluteUri && uri.IsFile ? uri.AbsoluteUri : uri.OriginalString),
        _ => throw new EaselValidationException(field,
            $"a {value.GetType().Name} is not an image; give a DataContent, a file:// UriContent, a HostedFileContent with an Easel image id, bytes or a path."),
    };
}
