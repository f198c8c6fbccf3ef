using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Hostile.Tests;

/// <summary>
/// The folders and files a hostile caller aims at: an allowed input folder with symlinks out of it, FIFOs, device
/// links, truncated and lying images; a secret outside every allowed folder; an output folder with a planted symlink;
/// broken model folders; a read-only folder. Corpus placeholders ($SECRET, $ALLOWED, ...) are filled in from here.
/// </summary>
public sealed partial class HostileWorld : IDisposable
{
    public const string PlantedId = "easel-20250101-000000-1-abcdef";
    public const string PlantedHardLinkId = "easel-20250101-000000-2-abcdef";

    /// <summary>The request memory cap the corpus servers run with (Easel:MaxRequestMemoryMB): 2 GB, far above the 64×64 work.</summary>
    public const string MemoryCapMB = "2048";

    private readonly Dictionary<string, string> _values;
    private readonly bool _mountedReadOnly;

    public HostileWorld()
    {
        Root = Path.Combine(Path.GetTempPath(), "easel-hostile-" + Guid.NewGuid().ToString("N")[..12]);
        foreach (var dir in new[] { Allowed, Output, Outside, BrokenModels, ReadOnly }) Directory.CreateDirectory(dir);

        // The secret: a valid PNG, so a path that escapes the policy would succeed and show up as a leak.
        SecretMarker = "EASEL-SECRET-" + Guid.NewGuid().ToString("N");
        SecretBytes = PngWithText(Gradient(16, 16), "secret", SecretMarker);
        File.WriteAllBytes(Secret, SecretBytes);
        File.WriteAllText(PlainFile, "not a folder");
        Mkfifo(Path.Combine(Outside, "pipe2"));
        Mkfifo(Path.Combine(Allowed, "pipe.png"));

        File.WriteAllBytes(Good, Gradient(64, 64));
        File.WriteAllBytes(Path.Combine(Allowed, "mask.png"), Square(64, 64, filled: true));
        File.WriteAllBytes(Path.Combine(Allowed, "black.png"), Square(64, 64, filled: false));
        File.WriteAllBytes(Path.Combine(Allowed, "truncated.png"), Gradient(64, 64)[..100]);
        File.WriteAllText(Path.Combine(Allowed, "text.png"), "hello, I am not an image");
        File.WriteAllBytes(Path.Combine(Allowed, "empty.png"), []);
        File.WriteAllBytes(Path.Combine(Allowed, "huge-dimensions.png"), LyingHeader(100_000, 100_000));
        File.WriteAllBytes(TextBomb, PngWithCompressedText(Gradient(64, 64), "bomb", 256 * 1024 * 1024));

        File.CreateSymbolicLink(Path.Combine(Allowed, "link-secret.png"), Secret);
        Directory.CreateSymbolicLink(Path.Combine(Allowed, "linkdir"), Outside);
        File.CreateSymbolicLink(Path.Combine(Allowed, "link-pipe.png"), Path.Combine(Outside, "pipe2"));
        File.CreateSymbolicLink(Path.Combine(Allowed, "link-zero.png"), "/dev/zero");
        // A symlink planted in the output folder under an image id: resources/read and ids must not serve it.
        File.CreateSymbolicLink(Path.Combine(Output, PlantedId + ".png"), Secret);
        // Hard links to the secret: one inside the allowed folder, one planted in the output folder under an image id.
        // A path check cannot see them (they are the secret under a name inside the folder); the link count can.
        HardLink(Secret, Path.Combine(Allowed, "hardlink-secret.png"));
        HardLink(Secret, Path.Combine(Output, PlantedHardLinkId + ".png"));

        BrokenModelFolders.Build(BrokenModels, BundledModel);

        if (Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root")
            _mountedReadOnly = Run("mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", ReadOnly) == 0;
        if (!_mountedReadOnly && !OperatingSystem.IsWindows()) File.SetUnixFileMode(ReadOnly, UnixFileMode.UserRead | UnixFileMode.UserExecute);

        _values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["SECRET"] = Secret,
            ["SECRET_DIR"] = Outside,
            ["MISSING_OUTSIDE"] = Path.Combine(Outside, "missing.png"),
            ["ALLOWED"] = Allowed,
            ["GOOD"] = Good,
            ["MASK"] = Path.Combine(Allowed, "mask.png"),
            ["BLACK"] = Path.Combine(Allowed, "black.png"),
            ["TRUNCATED"] = Path.Combine(Allowed, "truncated.png"),
            ["TEXTFILE"] = Path.Combine(Allowed, "text.png"),
            ["EMPTY"] = Path.Combine(Allowed, "empty.png"),
            ["MISSING"] = Path.Combine(Allowed, "missing.png"),
            ["BOMB_DIMENSIONS"] = Path.Combine(Allowed, "huge-dimensions.png"),
            ["FIFO"] = Path.Combine(Allowed, "pipe.png"),
            ["LINK_SECRET"] = Path.Combine(Allowed, "link-secret.png"),
            ["LINK_DIR_SECRET"] = Path.Combine(Allowed, "linkdir", "secret.png"),
            ["LINK_FIFO"] = Path.Combine(Allowed, "link-pipe.png"),
            ["LINK_ZERO"] = Path.Combine(Allowed, "link-zero.png"),
            ["PLANTED_ID"] = PlantedId,
            ["PLANTED_HARD_ID"] = PlantedHardLinkId,
            ["HARDLINK_SECRET"] = Path.Combine(Allowed, "hardlink-secret.png"),
            ["FILE"] = PlainFile,
            ["READONLY"] = ReadOnly,
            ["BIGPROMPT"] = string.Concat(Enumerable.Repeat("a red circle ", 1024 * 1024 / 13 + 1)),
            ["LONE_SURROGATE"] = "\ud800",
        };
    }

    public string Root { get; }
    public string Allowed => Path.Combine(Root, "allowed");
    public string Output => Path.Combine(Root, "out");
    public string Outside => Path.Combine(Root, "outside");
    public string BrokenModels => Path.Combine(Root, "broken");
    public string ReadOnly => Path.Combine(Root, "readonly");
    public string Secret => Path.Combine(Outside, "secret.png");
    public string PlainFile => Path.Combine(Outside, "plain.txt");
    public string Good => Path.Combine(Allowed, "good.png");
    public string TextBomb => Path.Combine(Allowed, "text-bomb.png");
    public string SecretMarker { get; }
    public byte[] SecretBytes { get; }

    public static string RepoRoot { get; } = FindRepoRoot();
    public static string BundledModel => Path.Combine(RepoRoot, "models", "easel-shapes");

    /// <summary>Fills $NAME placeholders; <paramref name="json"/> writes the lone surrogate as the escape a wire would carry.</summary>
    public string Fill(string text, bool json = false) => Placeholder().Replace(text, m =>
        json && m.Groups[1].Value == "LONE_SURROGATE" ? "\\ud800"
        : _values.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);

    public JsonNode? Fill(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => new JsonObject(o.Select(kv => KeyValuePair.Create(kv.Key, Fill(kv.Value)))),
        JsonArray a => new JsonArray(a.Select(Fill).ToArray()),
        JsonValue v when v.TryGetValue<string>(out var s) => JsonValue.Create(Fill(s)),
        _ => node.DeepClone(),
    };

    /// <summary>True when <paramref name="reply"/> carries the secret: its marker, or its bytes in base64.</summary>
    public bool Leaks(string reply) =>
        reply.Contains(SecretMarker, StringComparison.Ordinal) || reply.Contains(Convert.ToBase64String(SecretBytes)[..40], StringComparison.Ordinal);

    /// <summary>Every file under the output folder (hidden ones too) with its size and write time.</summary>
    public string OutputSnapshot() => string.Join("\n", Directory.EnumerateFileSystemEntries(Output, "*", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal)
        .Select(p => { var i = new FileInfo(p); return $"{p}|{(i.Exists ? i.Length : -1)}|{i.LastWriteTimeUtc.Ticks}"; }));

    public void Dispose()
    {
        if (_mountedReadOnly) Run("umount", ReadOnly);
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    internal static int Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode;
    }

    private static void HardLink(string target, string link)
    {
        if (Run("ln", target, link) != 0) throw new InvalidOperationException($"ln {target} {link} failed");
    }

    private static void Mkfifo(string path)
    {
        if (Run("mkfifo", path) != 0) throw new InvalidOperationException("mkfifo failed for " + path);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Agents.sln"))) return dir.FullName;
        throw new InvalidOperationException("Agents.sln not found above " + AppContext.BaseDirectory);
    }

    public static byte[] Gradient(int width, int height)
    {
        using var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                image[x, y] = new Rgb24((byte)(x * 255 / Math.Max(1, width - 1)), (byte)(y * 255 / Math.Max(1, height - 1)), 90);
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    private static byte[] Square(int width, int height, bool filled)
    {
        using var image = new Image<Rgb24>(width, height);
        if (filled)
            for (int y = height / 4; y < height * 3 / 4; y++)
                for (int x = width / 4; x < width * 3 / 4; x++)
                    image[x, y] = new Rgb24(255, 255, 255);
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    /// <summary>A PNG signature and IHDR that claim a huge size, then nothing.</summary>
    private static byte[] LyingHeader(int width, int height)
    {
        var ihdr = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; ihdr[9] = 2;
        return [.. PngSignature, .. Chunk("IHDR", ihdr), .. Chunk("IDAT", [0x78, 0x9c, 0x01])];
    }

    private static byte[] PngWithText(byte[] png, string keyword, string text) =>
        InsertBeforeIend(png, Chunk("tEXt", [.. Encoding.Latin1.GetBytes(keyword), 0, .. Encoding.Latin1.GetBytes(text)]));

    /// <summary>A valid PNG whose zTXt chunk inflates to <paramref name="inflatedBytes"/> (a few hundred KB on disk).</summary>
    public static byte[] PngWithCompressedText(byte[] png, string keyword, int inflatedBytes)
    {
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            Array.Fill(zeros, (byte)'A');
            for (int written = 0; written < inflatedBytes; written += zeros.Length) z.Write(zeros);
        }
        return InsertBeforeIend(png, Chunk("zTXt", [.. Encoding.Latin1.GetBytes(keyword), 0, 0, .. compressed.ToArray()]));
    }

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static byte[] InsertBeforeIend(byte[] png, byte[] chunk)
    {
        int iend = png.Length - 12;
        return [.. png[..iend], .. chunk, .. png[iend..]];
    }

    private static byte[] Chunk(string type, byte[] data)
    {
        var typeBytes = Encoding.ASCII.GetBytes(type);
        var result = new byte[12 + data.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(result, data.Length);
        typeBytes.CopyTo(result, 4);
        data.CopyTo(result, 8);
        uint crc = Crc32([.. typeBytes, .. data]);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(8 + data.Length), crc);
        return result;
    }

    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    [GeneratedRegex(@"\$([A-Z_]+)")]
    private static partial Regex Placeholder();
}
