namespace Easel.Engine.Vocabulary;

/// <summary>
/// OpenAI image-API names that Easel does not take, refused with the same message on every surface (MCP arguments,
/// SK execution settings, MEAI additional properties) instead of being silently ignored.
/// </summary>
public static class OpenAiAliases
{
    /// <summary>What to use instead of an OpenAI-style name, or null when <paramref name="key"/> is not one.</summary>
    public static string? Hint(string key) => key.Trim().ToLowerInvariant() switch
    {
        "n" => "is OpenAI's name for the number of images; Easel calls it 'count'.",
        "size" => "is OpenAI's \"WxH\" size; Easel takes 'width' and 'height' in pixels.",
        "response_format" => "is not an Easel setting: results always carry the file path, its file:// URI and the easel://images/{id} URI.",
        _ => null,
    };

    /// <summary>Throws for the first OpenAI-style key among <paramref name="keys"/>.</summary>
    public static void Reject(IEnumerable<string> keys)
    {
        foreach (var key in keys)
            if (Hint(key) is { } hint) throw new EaselValidationException(key, hint);
    }

    /// <summary>
    /// The refusal of an argument a function does not declare, the same on every surface that checks argument names
    /// (MCP tools, SK kernel functions): an OpenAI-style name gets its Easel name, anything else the list of arguments.
    /// </summary>
    public static EaselValidationException UnknownArgument(string name, IEnumerable<string> known)
    {
        var arguments = string.Join(", ", known);
        return new EaselValidationException(name, Hint(name) is { } hint ? $"{hint} Arguments: {arguments}." : $"unknown argument. Arguments: {arguments}.");
    }
}
