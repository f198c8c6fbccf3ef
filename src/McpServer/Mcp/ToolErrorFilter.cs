using System.Text.Json;
using Easel.Engine;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
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
            // Over HTTP a client that drops the connection has given up on the call: stop the run (the SDK's token
            // fires only on notifications/cancelled). The handler runs in the POST's execution context.
            var aborted = context.Services?.GetService<IHttpContextAccessor>()?.HttpContext?.RequestAborted ?? CancellationToken.None;
            using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, aborted);
            try
            {
                return await next(context, run.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await AnswerCancelledAsync(context, toolName).ConfigureAwait(false);
                throw; // the SDK, seeing its own token cancelled, sends nothing more
            }
            catch (OperationCanceledException) when (run.IsCancellationRequested)
            {
                return Cancelled(toolName); // the connection dropped: an answer the SDK sends to nobody
            }
            catch (Exception ex) when (Describe(ex, context.Params?.Name) is { } message)
            {
                var logger = context.Services?.GetService<ILoggerFactory>()?.CreateLogger("Easel.Mcp");
                logger?.LogInformation("{Tool} refused: {Message}", context.Params?.Name, message);
                return Error(message);
            }
        };

    /// <summary>
    /// The SDK sends nothing for a cancelled request (its send uses the cancelled token), which leaves a request
    /// cancelled while still queued without an answer and, over HTTP, the call's event stream open for good. Answer it
    /// here, once, as an isError result; clients ignore answers to requests they cancelled.
    /// </summary>
    private static async Task AnswerCancelledAsync(RequestContext<CallToolRequestParams> context, string? toolName)
    {
        var request = context.JsonRpcRequest;
        var answer = Cancelled(toolName);
        try
        {
            await context.Server.SendMessageAsync(new JsonRpcResponse
            {
                Id = request.Id,
                Result = JsonSerializer.SerializeToNode(answer, McpJsonUtilities.DefaultOptions),
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The client is gone (a dropped connection, a closed pipe): nobody is left to answer.
            context.Services?.GetService<ILoggerFactory>()?.CreateLogger("Easel.Mcp").LogDebug(ex, "Answer to cancelled call not delivered");
        }
    }

    private static CallToolResult Cancelled(string? toolName) => Error($"{toolName}: cancelled before it finished; nothing was saved.");

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
