using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Easel.McpServer.Mcp.Http;

/// <summary>Applies <see cref="HttpSafetyPolicy"/> before any MCP handling: 403 for a foreign Host/Origin, 401 without the token.</summary>
internal sealed class RequestGuard(HttpSafetyPolicy policy, ILogger<RequestGuard> logger)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (policy.Refusal is { } refusal)
        {
            await RefuseAsync(context, StatusCodes.Status503ServiceUnavailable, refusal);
            return;
        }
        var request = context.Request;
        string host = request.Headers.Host.ToString();
        string? origin = request.Headers.Origin.Count > 0 ? request.Headers.Origin.ToString() : null;
        if (!policy.HostAllowed(host))
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, $"Host '{host}' is not allowed (DNS rebinding protection). Add it to Easel:Http:AllowedHosts if it is yours.");
            return;
        }
        if (!policy.OriginAllowed(origin))
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, $"Origin '{origin}' is not allowed. Add it to Easel:Http:AllowedOrigins (or EASEL_ALLOWED_ORIGINS) if it is yours.");
            return;
        }
        if (!policy.Authorized(request.Headers.Authorization.Count > 0 ? request.Headers.Authorization.ToString() : null))
        {
            // AUTOMATIC1111's API (and so its clients) uses HTTP Basic; everything else here a bearer token.
            context.Response.Headers.WWWAuthenticate = request.Path.StartsWithSegments("/sdapi") ? "Basic realm=\"easel\"" : "Bearer realm=\"easel\"";
            await RefuseAsync(context, StatusCodes.Status401Unauthorized,
                "Missing or wrong API key: send 'Authorization: Bearer <EASEL_API_KEY>', or HTTP Basic with any user name and the key as password.");
            return;
        }
        await next(context);
    }

    private async Task RefuseAsync(HttpContext context, int status, string message)
    {
        logger.LogWarning("Refused {Method} {Path} from {Remote}: {Status} {Message}", context.Request.Method, context.Request.Path,
            context.Connection.RemoteIpAddress, status, message);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        // A JSON-RPC error body, so MCP clients can show the reason.
        await context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            jsonrpc = "2.0",
            error = new { code = -32001, message },
            id = (object?)null,
        }));
    }
}
