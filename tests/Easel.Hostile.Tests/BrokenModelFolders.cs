using System.Text.Json.Nodes;

namespace Easel.Hostile.Tests;

/// <summary>
/// Copies of the bundled model, each broken in one way (the ONNX files are symlinked, the small JSON and text files
/// copied and then damaged). The folder names are what the corpus names as models: broken-&lt;variant&gt;.
/// </summary>
internal static class BrokenModelFolders
{
    public static readonly IReadOnlyDictionary<string, Action<string>> Variants = new Dictionary<string, Action<string>>
    {
        ["no-merges"] = m => File.Delete(Path.Combine(m, "tokenizer", "merges.txt")),
        ["vocab-bad-json"] = m => File.WriteAllText(Path.Combine(m, "tokenizer", "vocab.json"), "{ \"a\": 1, not json"),
        ["vocab-string-ids"] = m => EditJson(m, "tokenizer/vocab.json", o => { foreach (var key in o.Select(kv => kv.Key).ToList()) o[key] = o[key]!.ToJsonString(); }),
        ["vocab-empty"] = m => File.WriteAllText(Path.Combine(m, "tokenizer", "vocab.json"), "{}"),
        ["vocab-array"] = m => File.WriteAllText(Path.Combine(m, "tokenizer", "vocab.json"), "[1, 2, 3]"),
        ["vocab-huge-ids"] = m => EditJson(m, "tokenizer/vocab.json", o => { foreach (var key in o.Select(kv => kv.Key).ToList()) o[key] = 2_000_000_000; }),
        ["merges-bad"] = m => File.WriteAllText(Path.Combine(m, "tokenizer", "merges.txt"), "#version: 0.2\nonlyone\n"),
        ["max-length-negative"] = m => EditJson(m, "tokenizer/tokenizer_config.json", o => o["model_max_length"] = -5),
        ["max-length-string"] = m => EditJson(m, "tokenizer/tokenizer_config.json", o => o["model_max_length"] = "77"),
        ["special-numbers"] = m =>
        {
            EditJson(m, "tokenizer/tokenizer_config.json", o => o.Remove("pad_token"));
            EditJson(m, "tokenizer/special_tokens_map.json", o => { o["pad_token"] = 5; o["eos_token"] = 7; });
        },
        ["index-class-number"] = m => EditJson(m, "model_index.json", o => o["_class_name"] = 5),
        ["index-force-zeros-string"] = m => EditJson(m, "model_index.json", o => o["force_zeros_for_empty_prompt"] = "yes"),
        ["index-not-object"] = m => File.WriteAllText(Path.Combine(m, "model_index.json"), "[1]"),
        ["vae-many-blocks"] = m =>
        {
            foreach (var part in new[] { "vae_decoder", "vae_encoder" })
                EditJson(m, part + "/config.json", o => o["block_out_channels"] = new JsonArray(Enumerable.Range(0, 40).Select(_ => (JsonNode)JsonValue.Create(64)).ToArray()));
        },
        ["unet-many-blocks"] = m => EditJson(m, "unet/config.json", o => o["block_out_channels"] = new JsonArray(Enumerable.Range(0, 40).Select(_ => (JsonNode)JsonValue.Create(64)).ToArray())),
        ["vae-scaling-zero"] = m => EditJson(m, "vae_decoder/config.json", o => o["scaling_factor"] = 0),
        ["sample-size-huge"] = m => EditJson(m, "unet/config.json", o => o["sample_size"] = 1e9),
        ["vae-config-bad-json"] = m => File.WriteAllText(Path.Combine(m, "vae_decoder", "config.json"), "{ \"scaling_factor\": "),
    };

    public static void Build(string root, string bundled)
    {
        foreach (var (name, damage) in Variants)
        {
            var folder = Path.Combine(root, "broken-" + name);
            Copy(bundled, folder);
            damage(folder);
        }
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            var target = Path.Combine(to, Path.GetFileName(file));
            if (file.EndsWith(".onnx", StringComparison.Ordinal) || file.EndsWith(".onnx_data", StringComparison.Ordinal))
                File.CreateSymbolicLink(target, file);
            else if (new FileInfo(file).Length < 1 << 20)
                File.Copy(file, target);
        }
        foreach (var dir in Directory.GetDirectories(from))
            if (Path.GetFileName(dir) is not "reference")
                Copy(dir, Path.Combine(to, Path.GetFileName(dir)));
    }

    private static void EditJson(string model, string relative, Action<JsonObject> edit)
    {
        var path = Path.Combine(model, relative);
        var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(node);
        File.WriteAllText(path, node.ToJsonString());
    }
}
