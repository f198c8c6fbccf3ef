using System.Text.Json;

namespace Easel.Engine.Text;

/// <summary>
/// Reads the files of a diffusers <c>tokenizer/</c> folder. vocab.json and merges.txt are required;
/// special_tokens_map.json and tokenizer_config.json are optional (they only choose the pad token and the
/// maximum length). Every failure names the file it came from.
/// </summary>
internal static class TokenizerFolder
{
    public const string VocabFile = "vocab.json";
    public const string MergesFile = "merges.txt";
    public const string SpecialTokensFile = "special_tokens_map.json";
    public const string ConfigFile = "tokenizer_config.json";

    // CLIP keeps only the first 49152 - 256 - 2 merges of its list; diffusers/transformers slice the same way.
    public const int MaxMerges = 49152 - 256 - 2;

    public static Dictionary<string, int> ReadVocab(string directory)
    {
        string path = RequireFile(directory, VocabFile);
        // A forward-only reader into a pre-sized dictionary: the 49k-entry CLIP vocabulary is most of load time.
        var bytes = File.ReadAllBytes(path);
        var vocab = new Dictionary<string, int>(capacity: bytes.Length / 18, StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(bytes);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new InvalidDataException($"{path}: expected a JSON object of token → id.");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string token = reader.GetString()!;
                if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int id))
                    throw new InvalidDataException($"{path}: the id of \"{token}\" is not an integer.");
                vocab[token] = id;
            }
            if (reader.TokenType != JsonTokenType.EndObject)
                throw new InvalidDataException($"{path}: expected a JSON object of token → id.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: invalid JSON ({e.Message}).", e);
        }
        if (vocab.Count == 0)
            throw new InvalidDataException($"{path}: the vocabulary is empty.");
        return vocab;
    }

    public static List<(string Left, string Right)> ReadMerges(string directory)
    {
        string path = RequireFile(directory, MergesFile);
        var merges = new List<(string, string)>(MaxMerges);
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal))
                continue;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            merges.Add(SplitMerge(line) ??
                throw new InvalidDataException($"{path}, line {lineNumber}: expected two symbols, found \"{line}\"."));
            if (merges.Count == MaxMerges)
                break;
        }
        return merges;
    }

    /// <summary>"left right"; like Python's split(), any whitespace separates (symbols never contain any).</summary>
    private static (string, string)? SplitMerge(string line)
    {
        int space = line.IndexOf(' ');
        if (space > 0 && space < line.Length - 1 && line.IndexOf(' ', space + 1) < 0 && !line.Contains('\t'))
            return (line[..space], line[(space + 1)..]); // the usual, allocation-light case
        var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 2 ? (parts[0], parts[1]) : null;
    }

    /// <summary>The pad token text, from tokenizer_config.json, else special_tokens_map.json, else null.</summary>
    public static string? ReadPadToken(string directory)
    {
        foreach (var file in new[] { ConfigFile, SpecialTokensFile })
        {
            var root = ReadOptionalJson(directory, file);
            if (root is { } r && r.TryGetProperty("pad_token", out var pad))
            {
                string? text = TokenText(pad, Path.Combine(directory, file));
                if (text is not null)
                    return text;
            }
        }
        return null;
    }

    /// <summary>model_max_length from tokenizer_config.json capped at <paramref name="cap"/>.</summary>
    public static int ReadMaxLength(string directory, int cap)
    {
        var root = ReadOptionalJson(directory, ConfigFile);
        if (root is not { } r || !r.TryGetProperty("model_max_length", out var value) ||
            value.ValueKind == JsonValueKind.Null)
            return cap;
        string path = Path.Combine(directory, ConfigFile);
        // transformers writes 1e30-style sentinels for "no limit"; only the comparison with the cap matters.
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double length))
            throw new InvalidDataException($"{path}: model_max_length must be a number.");
        if (length < 3)
            throw new InvalidDataException($"{path}: model_max_length {length} leaves no room between BOS and EOS.");
        return length >= cap ? cap : (int)length;
    }

    /// <summary>A special token is written either as a string or as an object with "content".</summary>
    private static string? TokenText(JsonElement token, string path) => token.ValueKind switch
    {
        JsonValueKind.String => token.GetString(),
        JsonValueKind.Null => null,
        JsonValueKind.Object when token.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String
            => c.GetString(),
        _ => throw new InvalidDataException($"{path}: pad_token must be a string or an object with \"content\"."),
    };

    private static JsonElement? ReadOptionalJson(string directory, string file)
    {
        string path = Path.Combine(directory, file);
        if (!File.Exists(path))
            return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{path}: expected a JSON object.");
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: invalid JSON ({e.Message}).", e);
        }
    }

    private static string RequireFile(string directory, string file)
    {
        string path = Path.Combine(directory, file);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Tokenizer file {file} not found in {directory}.", path);
        return path;
    }
}
