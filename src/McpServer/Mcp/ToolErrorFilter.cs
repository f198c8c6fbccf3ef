using System.Text.Json;
using Easel.Engine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Easel.McpServer.Mcp;

/// <summary>
/// Checks arguments against the tool's schema first, then turns failures into <c>isError</c> tool results with
/// messages a model can act on. The SDK would otherwise say only "An error occurred invoking 'x'" for anything but
/// McpException — including argument binding errors and every engine error.
/// </summary>
internal static class ToolErrorFilter
{
    public static McpRequestHandler<CallToolRequestParams, CallToolResult> Wrap(McpRequestHandler<CallToolRequestParams, CallToolResult> next) =>
        async (context, cancellationToken) =>
        {
            var toolName = context.Params?.Name;
            if (toolName is not null && context.Server.ServerOptions.ToolCollection is { } tools && tools.TryGetPrimitive(toolName, out var tool))
            {
                var schema = tool.ProtocolTool.InputSchema;
                context.Params!.Arguments = ArgumentValidator.Normalize(schema, context.Params.Arguments);
                if (ArgumentValidator.Check(schema, context.Params.Arguments) is { } problem)
                    return Error($"{toolName}: {problem}");
            }
            try
            {
                return await next(context, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw; // the client cancelled: the SDK sends no response
            }
            catch (Exception ex) when (Describe(ex, context.Params?.Name) is { } message)
            {
                var logger = context.Services?.GetService<ILoggerFactory>()?.CreateLogger("Easel.Mcp");
                logger?.LogInformation("{Tool} refused: {Message}", context.Params?.Name, message);
                return Error(message);
            }
        };

    public static CallToolResult Error(string message) => new()
    {
        IsError = true,
        Content = [new TextContentBlock { Text = message }],
    };

    /// <summary>A user-facing message, or null to let the SDK report the exception as an internal error.</summary>
    internal static string? Describe(Exception ex, string? tool) => ex switch
    {
        EaselBusyException => ex.Message,
        EaselException => $"{tool}: {ex.Message}",
        JsonException json => $"{tool}: invalid arguments: {json.Message}",
        ArgumentException arg => $"{tool}: {arg.Message}",
        OperationCanceledException => $"{tool}: cancelled.",
        _ => null,
    };
}
