namespace Easel.Plugin;

/// <summary>How the Semantic Kernel plugin presents its results.</summary>
public sealed class EaselPluginOptions
{
    /// <summary>The plugin name functions are registered under (tool names become <c>easel_generate_image</c> and so on).</summary>
    public string PluginName { get; set; } = EaselPlugin.DefaultName;

    /// <summary>
    /// False (default): image functions return a compact JSON string, which every chat connector accepts (OpenAI tool
    /// messages are text only; SK replaces an image tool result with an error there). True: they return an SK
    /// <c>ImageContent</c> (PNG bytes, MIME type and file URI) for connectors that accept images in tool results; the
    /// JSON summary rides along in its metadata.
    /// </summary>
    public bool ReturnImageContent { get; set; }
}
