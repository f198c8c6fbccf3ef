namespace Easel.Engine.Imaging;

/// <summary>
/// Local files read on a caller's behalf. Folder checks use the path a name resolves to (every symlink followed,
/// ".." applied after the link it follows, as the operating system does), never the text of the path; reads take
/// only non-empty regular files and stop at a byte cap, so a FIFO, a device or /proc cannot hang or exhaust memory.
/// </summary>
public static class LocalFile
{
    private const int MaxLinkHops = 40;

    /// <summary>The absolute path with every symlink resolved, like POSIX realpath; missing tails are kept as written.</summary>
    public static string RealPath(string path)
    {
        var absolute = Path.IsPathRooted(path) ? path : Path.Combine(Environment.CurrentDirectory, path);
        var root = Path.GetPathRoot(absolute)!;
        var pending = new LinkedList<string>(Split(absolute[root.Length..]));
        var current = root;
        int hops = 0;
        while (pending.First is { } node)
        {
            pending.RemoveFirst();
            var part = node.Value;
            if (part == ".") continue;
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            var next = Path.Combine(current, part);
            string? target = null;
            try { target = new FileInfo(next).LinkTarget; }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++hops > MaxLinkHops) throw new IOException($"too many levels of symbolic links: {path}");
            if (Path.IsPathRooted(target))
            {
                var targetRoot = Path.GetPathRoot(target)!;
                current = targetRoot;
                target = target[targetRoot.Length..];
            }
            foreach (var p in Split(target).Reverse()) pending.AddFirst(p);
        }
        return current;
    }

    /// <summary>True when <paramref name="realPath"/> lies inside one of the folders (each resolved the same way).</summary>
    public static bool IsInside(string realPath, IEnumerable<string> folders) =>
        folders.Select(RealPath).Any(folder =>
            realPath.StartsWith(folder.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, PathComparison));

    /// <summary>
    /// Reads a regular file of at most <paramref name="maxBytes"/> bytes. Devices, FIFOs, sockets and /proc
    /// entries report a size of 0 and are refused before they are opened (opening a FIFO would block).
    /// With <paramref name="singleLinkOnly"/> (where folders are a boundary: a network server's input folders, the
    /// output folder's images) a file with more than one hard link is refused: it may be a file from anywhere on the
    /// same file system under a name inside the folder.
    /// </summary>
    public static byte[] ReadRegular(string path, long maxBytes, string field, bool singleLinkOnly = false)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new EaselValidationException(field, $"file not found: {path}");
            if (info.Length == 0)
                throw new EaselValidationException(field, $"{path} is empty or not a regular file.");
            if (info.Length > maxBytes)
                throw new EaselValidationException(field, $"{path} is {info.Length / (1024 * 1024)} MB; the limit is {maxBytes / (1024 * 1024)} MB.");
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            if (singleLinkOnly && HardLinks.Count(stream.SafeFileHandle) is > 1 and var links)
                throw new EaselValidationException(field, $"{path} has {links} hard links; this server reads only files with a single link from its folders (a hard link can bring in a file from elsewhere).");
            var buffer = new byte[info.Length];
            int read = 0;
            while (read < buffer.Length)
            {
                int n = stream.Read(buffer, read, buffer.Length - read);
                if (n == 0) break;
                read += n;
            }
            // The file may have changed size since it was measured: never return more than was measured and capped.
            return read == buffer.Length ? buffer : buffer[..read];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EaselValidationException(field, $"cannot read {path}: {ex.Message}");
        }
    }

    private static StringComparison PathComparison =>
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private static string[] Split(string path) =>
        path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
}
