using Easel.Engine;
using Easel.Engine.Vocabulary;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Services;
using Microsoft.SemanticKernel.TextToImage;

namespace Easel.Plugin;

/// <summary>
/// SK's <see cref="ITextToImageService"/> over the engine. Each <see cref="ImageContent"/> carries the PNG bytes, its
/// MIME type and the saved file's URI (SK's <c>GenerateImageAsync</c> extension returns that URI).
/// </summary>
public sealed class EaselTextToImageService : ITextToImageService
{
    private readonly EaselEngine _engine;

    public EaselTextToImageService(EaselEngine engine)
    {
        _engine = engine ?? throw new ArgumentNullException(nameof(engine));
        var defaultModel = engine.Models.List().FirstOrDefault(m => m.IsDefault)?.Name ?? engine.Options.DefaultModel;
        Attributes = new Dictionary<string, object?> { [AIServiceExtensions.ModelIdKey] = defaultModel };
    }

    /// <summary>Carries the default model's name under <see cref="AIServiceExtensions.ModelIdKey"/>.</summary>
    public IReadOnlyDictionary<string, object?> Attributes { get; }

    public async Task<IReadOnlyList<ImageContent>> GetImageContentsAsync(TextContent input, PromptExecutionSettings? executionSettings = null,
        Kernel? kernel = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        try
        {
            // OpenAI-style settings (n, size, response_format) are refused, as on every surface, not ignored.
            if (executionSettings?.ExtensionData is { } data) OpenAiAliases.Reject(data.Keys);
            var settings = EaselExecutionSettings.FromExecutionSettings(executionSettings);
            var result = await _engine.GenerateAsync(settings.ToRequest(input.Text ?? ""), null, cancellationToken).ConfigureAwait(false);
            return result.Images.Select(image => ImageContents.From(image, result.Model)).ToList();
        }
        catch (EaselException ex)
        {
            throw new KernelException(ex.Message, ex);
        }
    }
}
