using System.ComponentModel;
using System.Globalization;
using Easel.Engine;
using Easel.Engine.Text;
using Easel.Engine.Vocabulary;
using Easel.McpServer.Mcp.Results;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Easel.McpServer.Mcp.Tools;

/// <summary>
/// Read-only helpers. Annotations: ReadOnly = true (they only read model folders), Destructive = false,
/// Idempotent = true (the same call gives the same answer while the model folders stay the same),
/// OpenWorld = false (local folders only).
/// </summary>
[McpServerToolType]
public sealed class CatalogTools(EaselEngine engine)
{
    [McpServerTool(Name = "list_models", Title = "List image models", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(ModelListOutput))]
    [Description("Lists the local diffusion models: name, family, native size, default steps/guidance/scheduler, and whether each can edit images. Pass a name as 'model' to the image tools.")]
    public CallToolResult ListModels()
    {
        var models = engine.ListModels();
        var output = new ModelListOutput(
            models.FirstOrDefault(m => m.IsDefault)?.Name,
            models.Select(Describe).ToList(),
            engine.Models.SearchRoots);
        var lines = models.Count == 0
            ? [$"No models found. Searched: {string.Join(", ", engine.Models.SearchRoots)}. Set EASEL_MODELS to a folder of diffusers ONNX models."]
            : models.Select(Line).ToList();
        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = string.Join("\n", lines) }],
            StructuredContent = McpJson.ToElement(output),
        };
    }

    [McpServerTool(Name = "compose_prompt", Title = "Compose a prompt", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false,
        UseStructuredContent = true, OutputSchemaType = typeof(ComposedPromptOutput))]
    [Description("Builds a prompt tuned for a model from structured fields and an optional style preset: most important first, trimmed to the model's 75-token window, with a negative prompt only when the model uses one. Pass the result's prompt and negative_prompt to generate_image.")]
    public CallToolResult ComposePrompt(
        [Description("What the image shows (required), e.g. 'a red ceramic teapot on a wooden table'.")] string subject,
        [Description("A style preset (" + Docs.StylePresetNames + ") or a short free-text style.")] string? style = null,
        [Description("Medium, e.g. 'oil on canvas', 'studio photograph'.")] string? medium = null,
        [Description("Lighting, e.g. 'soft window light', 'golden hour'.")] string? lighting = null,
        [Description("Composition or framing, e.g. 'close-up', 'wide shot, centered'.")] string? composition = null,
        [Description("Mood, e.g. 'calm', 'dramatic'.")] string? mood = null,
        [Description("Things to avoid (become the negative prompt).")] string? negatives = null,
        [Description(Docs.Model)] string? model = null)
    {
        var parts = new PromptParts
        {
            Subject = subject,
            Style = style,
            Medium = medium,
            Lighting = lighting,
            Composition = composition,
            Mood = mood,
            Negatives = negatives,
        };
        var composed = engine.ComposePrompt(parts, string.IsNullOrWhiteSpace(model) ? null : model);
        var output = new ComposedPromptOutput(composed.Prompt, composed.NegativePrompt, composed.TokenCount, composed.TokenLimit,
            composed.Model, composed.Style, composed.Notes);
        var text = $"prompt: {composed.Prompt}\nnegative_prompt: {composed.NegativePrompt}\ntokens: {composed.TokenCount}/{composed.TokenLimit} ({composed.Model})";
        foreach (var note in composed.Notes) text += "\nnote: " + note;
        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = text }],
            StructuredContent = McpJson.ToElement(output),
        };
    }

    internal static ModelOutput Describe(ModelInfo m)
    {
        var c = m.Capabilities;
        return new ModelOutput(m.Name, m.Path, m.IsDefault, c is null ? null : ModelFamilies.Name(c.Family), c?.NativeWidth, c?.NativeHeight,
            c?.DefaultSteps, c?.DefaultGuidance, c?.DefaultScheduler, c?.UsesNegativePrompt, c?.HasVaeEncoder, c?.IsInpaintModel, c?.FixedSize, m.Error);
    }

    private static string Line(ModelInfo m)
    {
        var mark = m.IsDefault ? " (default)" : "";
        if (m.Capabilities is not { } c) return $"{m.Name}{mark}: unusable: {m.Error}";
        var inv = CultureInfo.InvariantCulture;
        var traits = new List<string> { ModelFamilies.Name(c.Family), $"{c.NativeWidth}x{c.NativeHeight}", $"{c.DefaultSteps} steps", string.Format(inv, "guidance {0}", c.DefaultGuidance), c.DefaultScheduler };
        if (c.IsInpaintModel) traits.Add("inpaint model");
        if (c.IsLcm) traits.Add("LCM");
        if (c.IsTurbo) traits.Add("turbo");
        if (!c.HasVaeEncoder) traits.Add("no editing (no vae_encoder)");
        return $"{m.Name}{mark}: {string.Join(", ", traits)}";
    }
}
