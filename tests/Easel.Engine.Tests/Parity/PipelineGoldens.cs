using System.Text.Json.Nodes;

namespace Easel.Engine.Tests.Parity;

/// <summary>
/// The end-to-end cases in tests/fixtures/diffusers/pipelines (written by make_pipeline_goldens.py): tiny
/// random-weight diffusers models exported to ONNX, and what diffusers' own pipelines made from them with Easel's
/// noise. Each case holds the request settings, the token ids, the timestep and sample of every UNet call, and the
/// pipeline's float image in [0, 1] ([3, H, W]).
/// </summary>
internal static class PipelineGoldens
{
    public static readonly string Folder = Path.Combine(RepoPaths.Root, "tests", "fixtures", "diffusers", "pipelines");
    public static string Models => Path.Combine(Folder, "models");

    private static readonly Lazy<JsonObject> Manifest = new(() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "cases.json")))!.AsObject());

    public static string Prompt => (string)Manifest.Value["prompt"]!;

    /// <summary>Width and height of every case's image.</summary>
    public static int Size => (int)Manifest.Value["size"]!;

    public static IEnumerable<string> Names => Manifest.Value["cases"]!.AsArray().Select(c => (string)c!["name"]!);

    public static JsonObject Case(string name) =>
        Manifest.Value["cases"]!.AsArray().Single(c => (string)c!["name"]! == name)!.AsObject();

    /// <summary>A named float32 array of the case's .bin file.</summary>
    public static (float[] Data, int[] Shape) Array(JsonObject c, string key)
    {
        var entry = c["arrays"]![key]!;
        var shape = entry["shape"]!.AsArray().Select(d => (int)d!).ToArray();
        int count = shape.Aggregate(1, (a, b) => a * b);
        var bytes = File.ReadAllBytes(Path.Combine(Folder, (string)c["file"]!));
        var data = new float[count];
        Buffer.BlockCopy(bytes, (int)entry["offset"]!, data, 0, count * sizeof(float));
        return (data, shape);
    }
}
