using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Easel.Engine.Imaging;

namespace Easel.Engine.Datasets;

/// <summary>
/// One split's <c>metadata.jsonl</c>: one JSON object per finished image, appended with a single write after the
/// image is in place, so the manifest never names a missing file. A line torn by a kill mid-append is cut off when
/// the manifest is opened again; its image is then adopted from its PNG metadata.
/// </summary>
internal sealed class DatasetManifest
{
    public const string FileName = "metadata.jsonl";

    private DatasetManifest(string directory, HashSet<string> files)
    {
        Directory = directory;
        Files = files;
    }

    public string Directory { get; }
    public string Path => System.IO.Path.Combine(Directory, FileName);

    /// <summary>File names the manifest lists.</summary>
    public HashSet<string> Files { get; }

    /// <summary>Opens (and repairs a torn last line of) the manifest of <paramref name="directory"/>.</summary>
    public static DatasetManifest Open(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(directory, FileName);
        var files = new HashSet<string>(StringComparer.Ordinal);
        if (!File.Exists(path)) return new DatasetManifest(directory, files);
        var bytes = File.ReadAllBytes(path);
        int end = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        if (end < bytes.Length)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None);
            stream.SetLength(end);
            stream.Flush(flushToDisk: true);
        }
        int lineNumber = 0;
        foreach (var line in Encoding.UTF8.GetString(bytes, 0, end).Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            string? name;
            try
            {
                name = JsonNode.Parse(line)?["file_name"]?.GetValue<string>();
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
            {
                throw new EaselException($"data set: {path} line {lineNumber} is not a JSON object with a file_name ({ex.Message}); the file was changed outside Easel.");
            }
            if (name is null || !files.Add(name))
                throw new EaselException($"data set: {path} line {lineNumber} has {(name is null ? "no file_name" : $"'{name}' a second time")}; the file was changed outside Easel.");
        }
        return new DatasetManifest(directory, files);
    }

    /// <summary>Appends one line (one write, flushed to disk) for an image already in place.</summary>
    public void Append(JsonObject line, string fileName)
    {
        var bytes = Encoding.UTF8.GetBytes(line.ToJsonString(LineOptions) + "\n");
        using (var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        Files.Add(fileName);
    }

    /// <summary>The manifest line of an item: file_name, text, seed, every parameter, every slot value and the labels as columns, then the judge's verdict when asked for.</summary>
    public static JsonObject Line(DatasetItem item, ImageMetadata metadata, DatasetVerdict? verdict = null)
    {
        var line = new JsonObject
        {
            ["file_name"] = item.FileName,
            ["text"] = item.Text,
            ["seed"] = metadata.Seed,
            ["prompt_index"] = item.PromptIndex,
            ["negative_prompt"] = metadata.NegativePrompt,
            ["model"] = metadata.Model,
            ["width"] = metadata.Width,
            ["height"] = metadata.Height,
            ["steps"] = metadata.Steps,
            ["guidance"] = metadata.Guidance,
            ["guidance_rescale"] = metadata.GuidanceRescale,
            ["scheduler"] = metadata.Scheduler,
        };
        if (metadata.Eta is { } eta) line["eta"] = eta;
        if (item.Split.Length > 0) line["split"] = item.Split;
        foreach (var (slot, value) in item.Slots) line[slot] = value;
        if (item.Labels is { } labels)
        {
            line["objects"] = new JsonArray(labels.Objects.Select(o => (JsonNode)new JsonObject
            {
                ["shape"] = o.Shape,
                ["color"] = o.Color,
                ["size"] = o.Size,
                ["position"] = o.Position,
            }).ToArray());
            line["background"] = labels.Background;
        }
        if (verdict is not null)
        {
            line["judge_pass"] = verdict.Pass;
            line["judge_details"] = verdict.Details;
        }
        return line;
    }

    private static readonly JsonSerializerOptions LineOptions = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
