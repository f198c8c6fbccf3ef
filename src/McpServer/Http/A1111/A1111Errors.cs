using Microsoft.AspNetCore.Http;

namespace Easel.McpServer.Http.A1111;

/// <summary>AUTOMATIC1111's error body, <c>{"error", "detail", "body", "errors"}</c>; invalid fields answer 422 as its FastAPI server does.</summary>
internal static class A1111Errors
{
    /// <summary>Engine field names → the A1111 fields that carry them.</summary>
    public static readonly IReadOnlyDictionary<string, string> Parameters = new Dictionary<string, string>
    {
        ["count"] = "batch_size × n_iter",
        ["guidance"] = "cfg_scale",
        ["scheduler"] = "sampler_name",
        ["image"] = "init_images",
        ["strength"] = "denoising_strength",
        ["mask_feather"] = "mask_blur",
    };

    public static int Status(ApiProblemKind kind) => kind switch
    {
        ApiProblemKind.Invalid => StatusCodes.Status422UnprocessableEntity,
        ApiProblemKind.Refused => StatusCodes.Status400BadRequest,
        ApiProblemKind.NotFound => StatusCodes.Status404NotFound,
        ApiProblemKind.Busy => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static Task WriteAsync(HttpContext context, int status, ApiProblem problem)
    {
        context.Response.StatusCode = status;
        string error = status switch
        {
            StatusCodes.Status422UnprocessableEntity => "RequestValidationError",
            StatusCodes.Status429TooManyRequests => "EaselBusyException",
            >= 500 => "RuntimeError",
            _ => "HTTPException",
        };
        return context.Response.WriteAsJsonAsync(new { error, detail = problem.Message, body = "", errors = problem.Message });
    }
}
