using Easel.Engine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Easel.McpServer.Http;

/// <summary><c>GET /health</c> (the process answers) and <c>GET /ready</c> (a model is there to generate with).</summary>
internal static class ServiceRoutes
{
    public static void Map(WebApplication app, EaselEngine engine)
    {
        app.MapGet("/health", () => Results.Json(new { status = "ok", version = Engine.Imaging.EngineInfo.Version }));
        app.MapGet("/ready", () =>
        {
            var models = engine.ListModels();
            var usable = models.Where(m => m.Error is null).Select(m => m.Name).ToList();
            return usable.Count > 0
                ? Results.Json(new { status = "ready", models = usable })
                : Results.Json(new { status = "not_ready", reason = models.Count == 0 ? "no models found" : string.Join("; ", models.Select(m => $"{m.Name}: {m.Error}")) },
                    statusCode: StatusCodes.Status503ServiceUnavailable);
        });
    }

    public static Task WriteErrorAsync(HttpContext context, int status, ApiProblem problem)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { error = problem.Message });
    }
}
