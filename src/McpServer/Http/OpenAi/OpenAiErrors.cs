using Microsoft.AspNetCore.Http;

namespace Easel.McpServer.Http.OpenAi;

/// <summary>The OpenAI error object, <c>{"error": {"message", "type", "param", "code"}}</c>, with the API's status codes.</summary>
internal static class OpenAiErrors
{
    /// <summary>Engine field names → the OpenAI parameters that carry them.</summary>
    public static readonly IReadOnlyDictionary<string, string> Parameters = new Dictionary<string, string>
    {
        ["count"] = "n",
        ["width"] = "size",
        ["height"] = "size",
        ["guidance"] = "guidance_scale",
        ["previews"] = "partial_images",
    };

    public static int Status(ApiProblemKind kind) => kind switch
    {
        ApiProblemKind.Invalid or ApiProblemKind.Refused => StatusCodes.Status400BadRequest,
        ApiProblemKind.NotFound => StatusCodes.Status404NotFound,
        ApiProblemKind.Busy => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static object Body(int status, ApiProblem problem)
    {
        var (type, code) = problem.Kind == ApiProblemKind.Refused ? ("invalid_request_error", "content_policy_violation") : status switch
        {
            StatusCodes.Status401Unauthorized => ("invalid_request_error", "invalid_api_key"),
            StatusCodes.Status403Forbidden => ("invalid_request_error", "forbidden"),
            StatusCodes.Status404NotFound => ("invalid_request_error", problem.Param == "model" ? "model_not_found" : "not_found"),
            StatusCodes.Status413PayloadTooLarge => ("invalid_request_error", "request_too_large"),
            StatusCodes.Status429TooManyRequests => ("requests", "rate_limit_exceeded"),
            >= 500 => ("server_error", (string?)null),
            _ => ("invalid_request_error", problem.Param is null ? null : "invalid_value"),
        };
        return new { error = new { message = problem.Message, type, param = problem.Param, code } };
    }

    public static Task WriteAsync(HttpContext context, int status, ApiProblem problem)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(Body(status, problem));
    }
}
