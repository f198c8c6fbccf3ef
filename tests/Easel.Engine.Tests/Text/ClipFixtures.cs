using System.Text.Json;
using Easel.Engine.Text;

namespace Easel.Engine.Tests.Text;

/// <summary>The tokenizer fixtures copied next to the test assembly (see tests/fixtures/clip/README.md).</summary>
internal static class ClipFixtures
{
    public static string FullDirectory => Path.Combine(AppContext.BaseDirectory, "fixtures", "clip");
    public static string ReducedDirectory => Path.Combine(AppContext.BaseDirectory, "fixtures", "clip-reduced");

    private static readonly Lazy<ClipTokenizer> FullTokenizer = new(() => ClipTokenizer.FromFolder(FullDirectory));
    private static readonly Lazy<ClipTokenizer> ReducedTokenizer = new(() => ClipTokenizer.FromFolder(ReducedDirectory));

    /// <summary>Full CLIP vocabulary, no config files: pads with &lt;|endoftext|&gt; like SD1.</summary>
    public static ClipTokenizer Full => FullTokenizer.Value;

    /// <summary>Reduced vocabulary whose config pads with "!" like SD2/SDXL.</summary>
    public static ClipTokenizer Reduced => ReducedTokenizer.Value;

    public static IReadOnlyList<(string Text, int[] Ids)> ReadCases(string fileName)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(FullDirectory, fileName)));
        return doc.RootElement.GetProperty("cases").EnumerateArray()
            .Select(c => (c.GetProperty("text").GetString()!,
                c.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32()).ToArray()))
            .ToList();
    }
}

/// <summary>A temporary tokenizer folder built from a fixture plus hand-written config files.</summary>
internal sealed class TempTokenizerFolder : IDisposable
{
    public TempTokenizerFolder(string? copyFrom = null, params string[] files)
    {
        Path = Directory.CreateTempSubdirectory("easel-tok-").FullName;
        if (copyFrom is not null)
        {
            foreach (var file in files)
                File.Copy(System.IO.Path.Combine(copyFrom, file), System.IO.Path.Combine(Path, file));
        }
    }

    public string Path { get; }

    public TempTokenizerFolder Write(string file, string content)
    {
        File.WriteAllText(System.IO.Path.Combine(Path, file), content);
        return this;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
