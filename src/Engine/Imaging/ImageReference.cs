namespace Easel.Engine.Imaging;

/// <summary>
/// Resolves the ways callers hand Easel an image: an absolute (or existing relative) path, a <c>file://</c> URI,
/// a <c>data:</c> URI, raw base64, <c>easel://images/{id}</c> or a bare id of an earlier result.
/// </summary>
public static class ImageReference
{
    public const long MaxFileBytes = 64L * 1024 * 1024;

    /// <param name="allowedFolders">When set, local files must resolve (symlinks followed) to a place under one of
    /// these folders or the store's; anything else gets one refusal, whether or not it exists.</param>
    public static byte[] Resolve(string reference, ImageStore store, string field = "image", IReadOnlyList<string>? allowedFolders = null)
    {
        var policy = allowedFolders?.Append(store.Directory).ToList();
        if (string.IsNullOrWhiteSpace(reference))
            throw new EaselValidationException(field, "is empty; give a file path, file:// URI, data URI, base64 or easel://images/{id}.");
        var r = reference.Trim();

        if (r.StartsWith("easel://images/", StringComparison.OrdinalIgnoreCase))
        {
            var id = r["easel://images/".Length..];
            return ReadStored(store.Find(id) ?? throw new EaselValidationException(field, $"no image with id '{Shorten(id)}' in {store.Directory}."), field);
        }
        if (r.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(r, UriKind.Absolute, out var uri) || !uri.IsFile)
                throw new EaselValidationException(field, $"'{Shorten(r)}' is not a valid file:// URI.");
            return ReadFile(uri.LocalPath, field, policy);
        }
        if (r.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            int comma = r.IndexOf(',');
            if (comma < 0 || !r[..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
                throw new EaselValidationException(field, "data URI must be base64 encoded (data:image/png;base64,...).");
            return FromBase64(r[(comma + 1)..], field);
        }
        if (store.Find(r) is { } stored) return ReadStored(stored, field);
        bool pathLike = Path.IsPathRooted(r) || r.Contains('/') || r.Contains('\\');
        // Base64 may contain '/' (JPEG data starts with "/9j/"): a file wins only where it may be read at all,
        // so the choice reveals nothing about files outside the allowed folders.
        if (LooksLikeBase64(r) && !(pathLike && MayRead(r, policy) && File.Exists(r))) return FromBase64(r, field);
        if (pathLike || File.Exists(r)) return ReadFile(r, field, policy);
        throw new EaselValidationException(field, $"'{Shorten(r)}' is not a readable file path, file:// URI, data URI, base64 image or easel://images/{{id}}.");
    }

    private static bool MayRead(string path, IReadOnlyList<string>? allowedFolders)
    {
        if (allowedFolders is null) return true;
        try { return LocalFile.IsInside(LocalFile.RealPath(path), allowedFolders); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException) { return false; }
    }

    private static byte[] ReadStored(StoredImage stored, string field) => LocalFile.ReadRegular(stored.Path, MaxFileBytes, field, singleLinkOnly: true); // Easel writes its images with one link

    private static byte[] ReadFile(string path, string field, IReadOnlyList<string>? allowedFolders)
    {
        if (path.Length > 4096 || path.Contains('\0'))
            throw new EaselValidationException(field, "is not a usable file path (too long or containing a NUL character).");
        string real;
        try
        {
            real = LocalFile.RealPath(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new EaselValidationException(field, $"cannot read {Shorten(path)}: {ex.Message}");
        }
        if (allowedFolders is not null && !LocalFile.IsInside(real, allowedFolders))
            throw new EaselValidationException(field,
                $"this server reads local files only from {string.Join(", ", allowedFolders)} (setting Easel:InputFolders); send the image as a data URI or base64, or use an easel://images/{{id}} result.");
        return LocalFile.ReadRegular(real, MaxFileBytes, field, singleLinkOnly: allowedFolders is not null);
    }

    private static byte[] FromBase64(string text, string field)
    {
        var compact = text.Trim();
        if (compact.Length > MaxFileBytes * 4 / 3 + 4)
            throw new EaselValidationException(field, $"base64 image is larger than the {MaxFileBytes / (1024 * 1024)} MB limit.");
        try
        {
            return Convert.FromBase64String(compact);
        }
        catch (FormatException)
        {
            throw new EaselValidationException(field, "is not valid base64.");
        }
    }

    private static bool LooksLikeBase64(string s) =>
        s.Length >= 32 && s.Length % 4 == 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=');

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "...";
}
