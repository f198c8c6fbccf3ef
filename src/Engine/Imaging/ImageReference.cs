namespace Easel.Engine.Imaging;

/// <summary>
/// Resolves the ways callers hand Easel an image: an absolute (or existing relative) path, a <c>file://</c> URI,
/// a <c>data:</c> URI, raw base64, <c>easel://images/{id}</c> or a bare id of an earlier result.
/// </summary>
public static class ImageReference
{
    public const long MaxFileBytes = 64L * 1024 * 1024;

    /// <param name="allowedFolders">When set, local files must lie under one of these folders or the store's.</param>
    public static byte[] Resolve(string reference, ImageStore store, string field = "image", IReadOnlyList<string>? allowedFolders = null)
    {
        var policy = allowedFolders is null ? null : allowedFolders.Append(store.Directory).Select(Path.GetFullPath).ToList();
        if (string.IsNullOrWhiteSpace(reference))
            throw new EaselValidationException(field, "is empty; give a file path, file:// URI, data URI, base64 or easel://images/{id}.");
        var r = reference.Trim();

        if (r.StartsWith("easel://images/", StringComparison.OrdinalIgnoreCase))
        {
            var id = r["easel://images/".Length..];
            return ReadFile((store.Find(id) ?? throw new EaselValidationException(field, $"no image with id '{id}' in {store.Directory}.")).Path, field);
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
        if (File.Exists(r)) return ReadFile(r, field, policy);
        if (store.Find(r) is { } stored) return ReadFile(stored.Path, field);
        if (LooksLikeBase64(r)) return FromBase64(r, field);
        if (Path.IsPathRooted(r) || r.Contains('/') || r.Contains('\\'))
            throw new EaselValidationException(field, $"file not found or not readable: {r}");
        throw new EaselValidationException(field, $"'{Shorten(r)}' is not a readable file path, file:// URI, data URI, base64 image or easel://images/{{id}}.");
    }

    private static byte[] ReadFile(string path, string field, IReadOnlyList<string>? allowedFolders = null)
    {
        if (allowedFolders is not null)
        {
            var full = Path.GetFullPath(path);
            if (!allowedFolders.Any(folder => full.StartsWith(folder.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
                throw new EaselValidationException(field,
                    $"this server reads local files only from {string.Join(", ", allowedFolders)} (setting Easel:InputFolders); send the image as a data URI or base64, or use an easel://images/{{id}} result.");
        }
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new EaselValidationException(field, $"file not found: {path}");
            if (info.Length > MaxFileBytes)
                throw new EaselValidationException(field, $"{path} is {info.Length / (1024 * 1024)} MB; the limit is {MaxFileBytes / (1024 * 1024)} MB.");
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EaselValidationException(field, $"cannot read {path}: {ex.Message}");
        }
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
