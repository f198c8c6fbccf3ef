using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Easel.McpServer.Mcp;

/// <summary>
/// Checks the shape of a request's params before the SDK binds them. Params that do not bind (arguments as an array,
/// a number for a tool name or URI, a prompt without its required arguments, a completion without a ref) otherwise
/// end in the SDK's "An error occurred."; here they get -32602 with a message naming the member and what it must be.
/// Runs for every transport (an incoming message filter).
/// </summary>
internal static class RequestShapeFilter
{
    public static McpMessageHandler Wrap(McpMessageHandler next) =>
        (context, cancellationToken) =>
        {
            if (context.JsonRpcMessage is JsonRpcRequest request
                && Problem(request.Method, request.Params, context.Server.ServerOptions) is { } problem)
                throw new McpProtocolException($"{request.Method}: {problem}", McpErrorCode.InvalidParams);
            return next(context, cancellationToken);
        };

    /// <summary>What is wrong with the params of <paramref name="method"/>, or null when they have the right shape.</summary>
    internal static string? Problem(string method, JsonNode? parameters, McpServerOptions? options)
    {
        if (method is not (RequestMethods.ToolsCall or RequestMethods.ResourcesRead or RequestMethods.PromptsGet or RequestMethods.CompletionComplete))
            return null;
        if (parameters is not JsonObject p)
            return $"params must be a JSON object, got {Kind(parameters)}.";
        switch (method)
        {
            case RequestMethods.ToolsCall:
                return RequiredString(p, "name", "the tool to call")
                    ?? ObjectOrAbsent(p, "arguments", "the tool's arguments, by name");
            case RequestMethods.ResourcesRead:
                return RequiredString(p, "uri", "the resource to read, e.g. easel://images/{id}");
            case RequestMethods.PromptsGet:
                if (RequiredString(p, "name", "the prompt to get") is { } name) return name;
                if (ObjectOrAbsent(p, "arguments", "the prompt's arguments, by name") is { } args) return args;
                return MissingPromptArguments((string)p["name"]!, p["arguments"] as JsonObject, options);
            default: // completion/complete
                if (p["ref"] is not JsonObject reference)
                    return $"params.ref must be an object: {{\"type\": \"ref/prompt\", \"name\": …}} or {{\"type\": \"ref/resource\", \"uri\": …}}, got {Kind(p["ref"])}.";
                if (reference["type"] is not JsonValue type || type.GetValueKind() != JsonValueKind.String
                    || (string)type! is not ("ref/prompt" or "ref/resource"))
                    return "params.ref.type must be \"ref/prompt\" or \"ref/resource\".";
                if (p["argument"] is not JsonObject argument)
                    return $"params.argument must be an object {{\"name\": …, \"value\": …}}, got {Kind(p["argument"])}.";
                return RequiredString(argument, "name", "the argument being completed", "params.argument.")
                    ?? (argument["value"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? null : "params.argument.value must be a string.");
        }
    }

    private static string? RequiredString(JsonObject o, string member, string what, string prefix = "params.") =>
        o[member] is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? null
            : $"{prefix}{member} ({what}) must be a string, got {Kind(o[member])}.";

    private static string? ObjectOrAbsent(JsonObject o, string member, string what) =>
        !o.TryGetPropertyValue(member, out var value) || value is null or JsonObject
            ? null
            : $"params.{member} ({what}) must be a JSON object, got {Kind(value)}.";

    private static string? MissingPromptArguments(string name, JsonObject? arguments, McpServerOptions? options)
    {
        if (options?.PromptCollection is not { } prompts || !prompts.TryGetPrimitive(name, out var prompt)) return null; // unknown: the SDK names it
        var missing = (prompt.ProtocolPrompt.Arguments ?? [])
            .Where(a => a.Required == true && arguments?[a.Name] is null)
            .Select(a => a.Name)
            .ToList();
        return missing.Count == 0 ? null : $"prompt '{name}' needs the argument(s) {string.Join(", ", missing)}.";
    }

    private static string Kind(JsonNode? node) => node switch
    {
        null => "nothing",
        JsonObject => "an object",
        JsonArray => "an array",
        _ => "a " + node.GetValueKind().ToString().ToLowerInvariant(),
    };
}
