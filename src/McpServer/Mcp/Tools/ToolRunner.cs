using Easel.Engine;
using Easel.Engine.Pipelines;
using Easel.McpServer.Mcp.Results;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Easel.McpServer.Mcp.Tools;

/// <summary>Runs one engine call for a tool: checks the cheap arguments first, forwards progress, builds the result.</summary>
public sealed class ToolRunner(EaselEngine engine, ILogger<ToolRunner> logger)
{
    public EaselEngine Engine { get; } = engine;

    internal async Task<CallToolResult> RunAsync(
        RequestContext<CallToolRequestParams> context,
        string? inline,
        Func<IProgress<GenerationProgress>, CancellationToken, Task<GenerationResult>> work,
        CancellationToken cancellationToken)
    {
        var mode = ImageResultBuilder.ParseInline(inline);
        GenerationResult result;
        var progress = new ProgressForwarder(context.Server, context.Params?.ProgressToken, logger);
        try
        {
            result = await work(progress, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await progress.DisposeAsync().ConfigureAwait(false);
        }
        return ImageResultBuilder.Build(result, mode);
    }

    internal static GenerateRequest Request(string? prompt, string? negativePrompt, string? model, int? width, int? height,
        int? steps, double? guidance, string? scheduler, long? seed, int count) => new()
        {
            Prompt = prompt ?? "",
            NegativePrompt = negativePrompt,
            Model = string.IsNullOrWhiteSpace(model) ? null : model,
            Width = width,
            Height = height,
            Steps = steps,
            Guidance = guidance,
            Scheduler = string.IsNullOrWhiteSpace(scheduler) ? null : scheduler,
            Seed = seed,
            Count = count,
        };

    internal static ImageInput RequireImage(string? image, string field = "image") =>
        string.IsNullOrWhiteSpace(image)
            ? throw new EaselValidationException(field, "is required: an absolute path, file:// URI, data URI, base64 or easel://images/{id}.")
            : new ImageInput(image);
}
