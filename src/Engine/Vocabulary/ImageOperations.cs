using Easel.Engine.Pipelines;

namespace Easel.Engine.Vocabulary;

/// <summary>
/// The names of what the engine does to make an image. Reported everywhere (results, metadata, PNG text) as
/// <see cref="Txt2Img"/>, <see cref="Img2Img"/>, <see cref="Inpaint"/>, <see cref="Outpaint"/>, <see cref="Variation"/>;
/// requests may also use the verbs the tools are named after (generate, restyle, variations), parsed here only.
/// </summary>
public static class ImageOperations
{
    public const string Txt2Img = "txt2img";
    public const string Img2Img = "img2img";
    public const string Inpaint = "inpaint";
    public const string Outpaint = "outpaint";
    public const string Variation = "variation";

    /// <summary>The reported name of an edit.</summary>
    public static string Name(EditOperation operation) => operation switch
    {
        EditOperation.Restyle => Img2Img,
        EditOperation.Inpaint => Inpaint,
        EditOperation.Outpaint => Outpaint,
        _ => Variation,
    };

    /// <summary>
    /// An edit named by a caller: restyle or img2img, inpaint, outpaint, variations or variation (any case).
    /// Anything else fails naming <paramref name="field"/> and the accepted names.
    /// </summary>
    public static EditOperation ParseEdit(string? value, string field = "operation") => value?.Trim().ToLowerInvariant() switch
    {
        "restyle" or Img2Img => EditOperation.Restyle,
        Inpaint => EditOperation.Inpaint,
        Outpaint => EditOperation.Outpaint,
        "variations" or Variation => EditOperation.Variations,
        _ => throw new EaselValidationException(field, $"'{value}' is not one of restyle (img2img), inpaint, outpaint, variations (variation)."),
    };

    /// <summary>The reported name of any request verb (generate or txt2img, and the edits of <see cref="ParseEdit"/>).</summary>
    public static string Normalize(string? value, string field = "operation") =>
        value?.Trim().ToLowerInvariant() is null or "" or "generate" or Txt2Img ? Txt2Img : Name(ParseEdit(value, field));
}
