using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Easel.Engine.Imaging;

/// <summary>A saved image: id (file stem), absolute path and file:// URI.</summary>
public sealed record StoredImage(string Id, string Path, long Bytes, DateTimeOffset Created)
{
    public Uri FileUri => new(Path);
    public string ResourceUri => $"easel://images/{Id}";
}

/// <summary>
/// The output folder. Names are unique and never reused: each file is written to a temporary name in the same
/// folder and then moved into place without overwriting, so readers never see a half-written image.
/// </summary>
public sealed partial class ImageStore
{
    public ImageStore(string directory)
    {
        Directory = System.IO.Path.GetFullPath(directory);
    }

    public string Directory { get; }

    public StoredImage Save(byte[] png, long seed)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var temp = System.IO.Path.Combine(Directory, $".tmp-{Guid.NewGuid():N}.png");
        File.WriteAllBytes(temp, png);
        try
        {
            for (int attempt = 0; ; attempt++)
            {
                var id = $"easel-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{seed}-{RandomSuffix()}";
                var path = System.IO.Path.Combine(Directory, id + ".png");
                try
                {
                    File.Move(temp, path, overwrite: false);
                    return new StoredImage(id, path, png.Length, DateTimeOffset.UtcNow);
                }
                catch (IOException) when (File.Exists(path) && attempt < 16)
                {
                    // Name taken (same second, same seed, same suffix): draw another.
                }
            }
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Finds an image by id, or null. Ids are validated so they can never point outside the folder.</summary>
    public StoredImage? Find(string id)
    {
        if (!IdPattern().IsMatch(id)) return null;
        var path = System.IO.Path.Combine(Directory, id + ".png");
        if (!File.Exists(path)) return null;
        var info = new FileInfo(path);
        return new StoredImage(id, path, info.Length, info.CreationTimeUtc);
    }

    /// <summary>The most recent images first.</summary>
    public IReadOnlyList<StoredImage> Recent(int count)
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        return new DirectoryInfo(Directory).GetFiles("*.png")
            .Where(f => !f.Name.StartsWith('.') && IdPattern().IsMatch(System.IO.Path.GetFileNameWithoutExtension(f.Name)))
            .OrderByDescending(f => f.LastWriteTimeUtc).ThenByDescending(f => f.Name, StringComparer.Ordinal)
            .Take(count)
            .Select(f => new StoredImage(System.IO.Path.GetFileNameWithoutExtension(f.Name), f.FullName, f.Length, f.LastWriteTimeUtc))
            .ToList();
    }

    private static string RandomSuffix() => Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex IdPattern();
}
