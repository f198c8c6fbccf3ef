using Easel.Engine;
using Easel.Engine.Safety;

namespace Easel.McpServer.Http;

/// <summary>What went wrong with a request, independent of the API's error shape.</summary>
internal enum ApiProblemKind
{
    /// <summary>A field is missing, malformed or out of range.</summary>
    Invalid,
    /// <summary>A named model (or image link) does not exist.</summary>
    NotFound,
    /// <summary>The engine queue is full: retry later.</summary>
    Busy,
    /// <summary>Refused on content grounds: the prompt policy or the safety checker (OpenAI's content_policy_violation).</summary>
    Refused,
    /// <summary>Anything else (the message is safe to show; details are logged).</summary>
    Failed,
}

/// <summary>
/// An engine or adapter failure translated for an API: the engine's field names become the API's parameter names
/// (the message keeps the engine's allowed range, the one copy of each limit).
/// </summary>
internal sealed record ApiProblem(ApiProblemKind Kind, string Message, string? Param)
{
    /// <summary>Null for exceptions that are not the client's business (the route answers 500 and logs them).</summary>
    public static ApiProblem? From(Exception exception, IReadOnlyDictionary<string, string> parameterNames)
    {
        switch (exception)
        {
            case EaselValidationException invalid:
                {
                    string field = invalid.Field;
                    if (!parameterNames.TryGetValue(field, out var param)) return new(ApiProblemKind.Invalid, invalid.Message, field);
                    string rest = invalid.Message.StartsWith(field + ":", StringComparison.Ordinal) ? invalid.Message[(field.Length + 1)..].TrimStart() : invalid.Message;
                    // Several engine fields under one parameter (width and height in "size"): say which.
                    bool shared = parameterNames.Count(p => p.Value == param) > 1;
                    return new(ApiProblemKind.Invalid, shared ? $"{param}: {field} {rest}" : $"{param}: {rest}", param);
                }
            case EaselPolicyException policy:
                return new(ApiProblemKind.Refused, policy.Message, policy.Field);
            case EaselRefusalException refused:
                return new(ApiProblemKind.Refused, refused.Message, null);
            case EaselBusyException busy:
                return new(ApiProblemKind.Busy, busy.Message, null);
            case EaselException model when model.Message.StartsWith("model:", StringComparison.Ordinal):
                return new(model.Message.Contains("unknown model", StringComparison.Ordinal) ? ApiProblemKind.NotFound : ApiProblemKind.Failed, model.Message, "model");
            case EaselException other:
                return new(ApiProblemKind.Invalid, other.Message, null);
            default:
                return null;
        }
    }
}
