using System.Diagnostics;
using System.Text.Json;
using Easel.McpServer.Mcp.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Easel.McpServer.Http;

/// <summary>
/// What the image API routes share on one HTTP host: settings, metrics, the engine runner, signed links, and the
/// middleware that applies <see cref="RequestGuard"/> (the same Host/Origin/token checks as <c>/mcp</c>) with refusals in
/// each API's own error shape, the body limit and request metrics.
/// </summary>
public sealed class ImageApiHost
{
    internal ImageApiHost(ImageApiSettings settings, ImageApiMetrics metrics, ImageApiRunner runner, SignedImageUrls urls, RequestGuard guard, ILogger logger)
    {
        Settings = settings;
        Metrics = metrics;
        Runner = runner;
        Urls = urls;
        Guard = guard;
        Logger = logger;
    }

    public ImageApiSettings Settings { get; }
    public ImageApiMetrics Metrics { get; }
    internal ImageApiRunner Runner { get; }
    internal SignedImageUrls Urls { get; }
    internal RequestGuard Guard { get; }
    internal ILogger Logger { get; }

    /// <summary>The routes' error shape by path prefix; null: not an image API path (left to the rest of the host).</summary>
    internal static Func<HttpContext, int, ApiProblem, Task>? ErrorWriterFor(PathString path)
    {
        if (path.StartsWithSegments("/v1")) return OpenAi.OpenAiErrors.WriteAsync;
        if (path.StartsWithSegments("/sdapi")) return A1111.A1111Errors.WriteAsync;
        if (path.StartsWithSegments("/health") || path.StartsWithSegments("/ready")) return ServiceRoutes.WriteErrorAsync;
        return null;
    }

    /// <summary>Middleware for the image API paths; runs before the host-wide guard, which then passes them again.</summary>
    internal async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var writeError = ErrorWriterFor(context.Request.Path);
        if (writeError is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        var clock = Stopwatch.StartNew();
        try
        {
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                limit.MaxRequestBodySize = Settings.MaxRequestBytes;
            var refusal = await RefusalAsync(context).ConfigureAwait(false);
            if (refusal is not null)
            {
                await writeError(context, context.Response.StatusCode, new ApiProblem(ApiProblemKind.Invalid, refusal, null)).ConfigureAwait(false);
                return;
            }
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            Metrics.Request(route, context.Response.StatusCode, clock.Elapsed);
        }
    }

    /// <summary>Runs the guard with its response captured; returns its message when it refused (status and headers stay set).</summary>
    private async Task<string?> RefusalAsync(HttpContext context)
    {
        var body = context.Features.Get<IHttpResponseBodyFeature>()!;
        using var captured = new MemoryStream();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(captured));
        bool passed = false;
        try
        {
            await Guard.InvokeAsync(context, _ =>
            {
                passed = true;
                return Task.CompletedTask;
            }).ConfigureAwait(false);
        }
        finally
        {
            context.Features.Set(body);
        }
        if (passed) return null;
        try
        {
            using var refusal = JsonDocument.Parse(captured.ToArray());
            return refusal.RootElement.GetProperty("error").GetProperty("message").GetString();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return "Request refused.";
        }
    }

    /// <summary>
    /// Runs a route's handler; failures become the API's error (status from <paramref name="status"/>, engine field names
    /// renamed by <paramref name="parameterNames"/>, Retry-After on a full queue). A client that went away gets nothing.
    /// </summary>
    internal async Task HandleAsync(HttpContext context, Func<HttpContext, int, ApiProblem, Task> writeError, Func<ApiProblemKind, int> status,
        IReadOnlyDictionary<string, string> parameterNames, Func<Task> handler)
    {
        try
        {
            await handler().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client disconnected: the engine stopped at its next step; there is no one to answer.
        }
        catch (BadHttpRequestException bad) when (!context.Response.HasStarted)
        {
            var message = bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? $"body: larger than the {Settings.MaxRequestBytes}-byte limit ({ImageApiSettings.Section}:MaxRequestBytes)."
                : $"body: {bad.Message}";
            await writeError(context, bad.StatusCode, new ApiProblem(ApiProblemKind.Invalid, message, null)).ConfigureAwait(false);
        }
        catch (ApiStatusException refused) when (!context.Response.HasStarted)
        {
            var kind = refused.Status == StatusCodes.Status404NotFound ? ApiProblemKind.NotFound : ApiProblemKind.Invalid;
            await writeError(context, refused.Status, new ApiProblem(kind, refused.Message, null)).ConfigureAwait(false);
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            var problem = Problem(ex, parameterNames);
            if (problem.Kind == ApiProblemKind.Busy)
                context.Response.Headers.RetryAfter = Settings.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await writeError(context, status(problem.Kind), problem).ConfigureAwait(false);
        }
    }

    /// <summary>The client-facing problem for an exception; unexpected ones are logged and reported without internals.</summary>
    internal ApiProblem Problem(Exception exception, IReadOnlyDictionary<string, string> parameterNames)
    {
        if (ApiProblem.From(exception, parameterNames) is { } problem) return problem;
        Logger.LogError(exception, "Image API request failed");
        return new ApiProblem(ApiProblemKind.Failed, $"Internal error ({exception.GetType().Name}); the server log has the details.", null);
    }

    /// <summary>Server-Timing: the engine's own time, so a client can see what the HTTP layer adds.</summary>
    internal static void AddServerTiming(HttpResponse response, IEnumerable<Engine.Pipelines.GenerationResult> results)
    {
        double ms = results.Sum(r => r.Timings.Total.TotalMilliseconds);
        response.Headers["Server-Timing"] = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"engine;dur={ms:F1}");
    }

    /// <summary>Scheme, host and path base of this request, for links back to this server.</summary>
    internal static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";
}
