using System.ComponentModel;
using Easel.Engine;
using Easel.Engine.Text;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Easel.McpServer.Mcp.Prompts;

/// <summary>
/// Prompt templates for common agent workflows. Each composes a model-tuned prompt with the engine's
/// <see cref="EaselEngine.ComposePrompt"/> and tells the agent exactly which tool call to make with it.
/// </summary>
[McpServerPromptType]
public sealed class WorkflowPrompts(EaselEngine engine)
{
    [McpServerPrompt(Name = "product_shot", Title = "Product shot")]
    [Description("A clean studio product photograph of one item, ready for a catalogue or landing page.")]
    public GetPromptResult ProductShot(
        [Description("The product, e.g. 'a matte black water bottle'.")] string product,
        [Description("Backdrop or setting, e.g. 'white seamless background', 'marble countertop'.")] string? setting = null,
        [Description("Model name (default: the server's default).")] string? model = null)
    {
        var composed = engine.ComposePrompt(new PromptParts
        {
            Subject = $"{product}, {setting ?? "plain white seamless background"}",
            Style = "photographic",
            Lighting = "soft even studio lighting, subtle reflections",
            Composition = "centered product, eye-level, generous negative space",
            Negatives = "text, watermark, logo, hands, clutter",
        }, Model(model));
        return Instruct("Product shot: " + product, composed,
            "Generate the product shot with generate_image using exactly these arguments, then show me the preview and give me the file path. If it is not right, adjust the prompt and try again with a new seed.");
    }

    [McpServerPrompt(Name = "storyboard_frame", Title = "Storyboard frame")]
    [Description("One frame of a storyboard: a scene described with shot type, in a consistent sketch style.")]
    public GetPromptResult StoryboardFrame(
        [Description("What happens in the frame, e.g. 'a courier runs across a rainy street'.")] string scene,
        [Description("Shot type, e.g. 'wide shot', 'close-up', 'over-the-shoulder'.")] string shot = "medium shot",
        [Description("Frame number, for the caption.")] int frame = 1,
        [Description("Model name (default: the server's default).")] string? model = null)
    {
        var composed = engine.ComposePrompt(new PromptParts
        {
            Subject = scene,
            Style = "storyboard sketch, grayscale pencil, clear silhouettes",
            Composition = shot,
            Negatives = "color, text, watermark, photo",
        }, Model(model));
        return Instruct($"Storyboard frame {frame}: {scene}", composed,
            $"Draw storyboard frame {frame} with generate_image using these arguments. Keep the seed from the result and reuse it for the next frames so the style stays consistent.");
    }

    [McpServerPrompt(Name = "restyle_photo", Title = "Restyle a photo")]
    [Description("Redraws an existing photo in another style (img2img), keeping its composition.")]
    public GetPromptResult RestylePhoto(
        [Description("The photo: absolute path, file:// URI or easel://images/{id}.")] string image,
        [Description("Target style: a preset (" + Tools.Docs.StylePresetNames + ") or free text.")] string style,
        [Description("What the photo shows, to guide the model, e.g. 'a harbour with fishing boats'.")] string subject,
        [Description("Model name (default: the server's default).")] string? model = null)
    {
        var composed = engine.ComposePrompt(new PromptParts { Subject = subject, Style = style }, Model(model));
        return Instruct($"Restyle {image} as {style}", composed,
            $"Call restyle_image with image \"{image}\", these prompt arguments and strength 0.6 (raise it toward 0.8 for a stronger change, lower it to keep more of the photo).");
    }

    private static string? Model(string? model) => string.IsNullOrWhiteSpace(model) ? null : model;

    private static GetPromptResult Instruct(string description, ComposedPrompt composed, string instruction)
    {
        var args = $"prompt: \"{composed.Prompt}\"";
        if (composed.NegativePrompt.Length > 0) args += $"\nnegative_prompt: \"{composed.NegativePrompt}\"";
        args += $"\nmodel: \"{composed.Model}\"";
        var notes = composed.Notes.Count > 0 ? "\n(" + string.Join("; ", composed.Notes) + ")" : "";
        return new GetPromptResult
        {
            Description = description,
            Messages =
            [
                new PromptMessage
                {
                    Role = Role.User,
                    Content = new TextContentBlock { Text = $"{instruction}\n\n{args}{notes}" },
                },
            ],
        };
    }
}
