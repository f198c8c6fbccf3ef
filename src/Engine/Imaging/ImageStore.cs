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
/// The output folder. Names are unique and never reused. Each file is first written under the hidden
/// <see cref="PartialFolder"/> (never listed as an output, so a crash mid-write leaves nothing that looks like a
/// result) and then moved into place without overwriting. A set is saved whole or not at all.
/// </summary>
public sealed partial class ImageStore
{
    /// <summary>Sub-folder of the output folder that holds files being written; stale ones are removed at start-up.</summary>
    public const string PartialFolder = ".easel-partial";

    private static readonly TimeSpan StaleAfter = TimeSpan.FromHours(1);
    private int _cleaned;
    private volatile bool _provenWritable;

    public ImageStore(string directory)
    {
        if (string.IsNullOrWhiteSpace(directory) || directory.Contains('\0'))
            throw new EaselException($"output folder: '{directory}' is not a usable folder path (--out / EASEL_OUTPUT_DIR / Easel:OutputDirectory).");
        Directory = System.IO.Path.GetFullPath(directory);
    }

    public string Directory { get; }

    private string PartialDirectory => System.IO.Path.Combine(Directory, PartialFolder);

    /// <summary>
    /// Creates the folder if needed and proves a file can be written there, so a bad output folder fails before any
    /// generation work instead of after it. Proven once, until a save fails: a probe file costs a create and an unlink
    /// (about 1.5 ms here, most of a small image's save), and a folder that breaks later still loses nothing, as
    /// <see cref="SaveAll"/> keeps a set whole or not at all.
    /// </summary>
    public void EnsureWritable()
    {
        if (_provenWritable) return;
        if (File.Exists(Directory))
            throw new EaselException($"output folder: {Directory} is a file, not a folder.");
        var probe = System.IO.Path.Combine(PartialDirectory, $"{Environment.ProcessId}-{Guid.NewGuid():N}.probe");
        try
        {
            System.IO.Directory.CreateDirectory(PartialDirectory);
            RemoveStalePartials();
            File.WriteAllBytes(probe, [0]);
            _provenWritable = true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new EaselException($"output folder: cannot write to {Directory}: {ex.Message}", ex);
        }
        finally
        {
            TryDelete(probe);
        }
    }

    public StoredImage Save(byte[] png, long seed) => SaveAll([(png, seed)])[0];

    /// <summary>Saves every image or none: all are written (and flushed) first, then moved into place.</summary>
    public IReadOnlyList<StoredImage> SaveAll(IReadOnlyList<(byte[] Png, long Seed)> images)
    {
        EnsureWritable();
        var temps = new List<string>();
        var saved = new List<StoredImage>();
        try
        {
            System.IO.Directory.CreateDirectory(PartialDirectory); // the folder may have been removed after it was proven
            foreach (var (png, _) in images)
            {
                var temp = System.IO.Path.Combine(PartialDirectory, $"{Environment.ProcessId}-{Guid.NewGuid():N}.png");
                temps.Add(temp);
                using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                stream.Write(png);
                stream.Flush(flushToDisk: true); // a full disk fails here, before anything is visible
            }
            for (int i = 0; i < images.Count; i++)
                saved.Add(MoveIntoPlace(temps[i], images[i].Png.Length, images[i].Seed));
            return saved;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            foreach (var image in saved) TryDelete(image.Path);
            _provenWritable = false; // the next request proves the folder again before its work
            throw new EaselException($"output folder: saving {images.Count} image(s) to {Directory} failed, none were kept: {ex.Message}", ex);
        }
        finally
        {
            foreach (var temp in temps) TryDelete(temp);
        }
    }

    private StoredImage MoveIntoPlace(string temp, long bytes, long seed)
    {
        for (int attempt = 0; ; attempt++)
        {
            var id = $"easel-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{seed}-{RandomSuffix()}";
            var path = System.IO.Path.Combine(Directory, id + ".png");
            try
            {
                File.Move(temp, path, overwrite: false);
                return new StoredImage(id, path, bytes, DateTimeOffset.UtcNow);
            }
            catch (IOException) when (File.Exists(path) && attempt < 16)
            {
                // Name taken (same second, same seed, same suffix): draw another.
            }
        }
    }

    /// <summary>Removes partial files a killed process left: those of processes no longer running, or old ones.</summary>
    private void RemoveStalePartials()
    {
        if (Interlocked.Exchange(ref _cleaned, 1) == 1) return;
        foreach (var file in new DirectoryInfo(PartialDirectory).EnumerateFiles())
        {
            var dash = file.Name.IndexOf('-');
            bool ownerGone = dash > 0 && int.TryParse(file.Name[..dash], out var pid) && pid != Environment.ProcessId && !IsRunning(pid);
            if (ownerGone || DateTime.UtcNow - file.LastWriteTimeUtc > StaleAfter) TryDelete(file.FullName);
        }
        // Temporary names of earlier versions, written beside the outputs.
        foreach (var file in new DirectoryInfo(Directory).EnumerateFiles(".tmp-*.png"))
            if (DateTime.UtcNow - file.LastWriteTimeUtc > TimeSpan.FromMinutes(5)) TryDelete(file.FullName);
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>Finds an image by id, or null. Ids are validated so they can never point outside the folder.</summary>
    public StoredImage? Find(string id)
    {
        if (!IdPattern().IsMatch(id)) return null;
        var info = new FileInfo(System.IO.Path.Combine(Directory, id + ".png"));
        if (!IsPlainOutput(info)) return null;
        var path = info.FullName;
        return new StoredImage(id, path, info.Length, info.CreationTimeUtc);
    }

    /// <summary>The most recent images first.</summary>
    public IReadOnlyList<StoredImage> Recent(int count)
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        return new DirectoryInfo(Directory).GetFiles("*.png")
            .Where(f => !f.Name.StartsWith('.') && IsPlainOutput(f) && IdPattern().IsMatch(System.IO.Path.GetFileNameWithoutExtension(f.Name)))
            .OrderByDescending(f => f.LastWriteTimeUtc).ThenByDescending(f => f.Name, StringComparer.Ordinal)
            .Take(count)
            .Select(f => new StoredImage(System.IO.Path.GetFileNameWithoutExtension(f.Name), f.FullName, f.Length, f.LastWriteTimeUtc))
            .ToList();
    }

    /// <summary>A regular file, not a symlink planted in the folder to expose a file elsewhere.</summary>
    private static bool IsPlainOutput(FileInfo info) => info.Exists && info.LinkTarget is null && info.Length > 0;

    private static string RandomSuffix() => Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex IdPattern();
}
