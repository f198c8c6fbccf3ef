using System.Diagnostics.Metrics;
using Easel.Engine;
using Easel.McpServer.Mcp.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Easel.McpServer.Http;

/// <summary>Adds the OpenAI Images API (<c>/v1</c>), the AUTOMATIC1111 API subset (<c>/sdapi/v1</c>), <c>/health</c> and <c>/ready</c> to the HTTP host.</summary>
public static class ImageApiEndpoints
{
    private const string HostProperty = "Easel.ImageApis";

    /// <summary>
    /// Maps the routes and their middleware. Call before the host-wide <see cref="RequestGuard"/> is added, so that
    /// refusals on these paths take the API's error shape; the guard's checks are the ones applied.
    /// </summary>
    public static ImageApiHost MapImageApis(this WebApplication app)
    {
        var settings = new ImageApiSettings();
        app.Configuration.GetSection(ImageApiSettings.Section).Bind(settings);
        if (settings.UrlLifetimeSeconds < 1)
            throw new EaselException($"{ImageApiSettings.Section}:UrlLifetimeSeconds: {settings.UrlLifetimeSeconds} must be at least 1.");
        var engine = app.Services.GetRequiredService<EaselEngine>();
        var meter = app.Services.GetService<IMeterFactory>()?.Create(ImageApiMetrics.MeterName) ?? new Meter(ImageApiMetrics.MeterName);
        var metrics = new ImageApiMetrics(meter);
        var host = new ImageApiHost(settings, metrics, new ImageApiRunner(engine, metrics),
            new SignedImageUrls(TimeSpan.FromSeconds(settings.UrlLifetimeSeconds), TimeProvider.System),
            app.Services.GetRequiredService<RequestGuard>(),
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Easel.Http"));
        ((IApplicationBuilder)app).Properties[HostProperty] = host;

        app.Use(host.InvokeAsync);
        ServiceRoutes.Map(app, engine);
        OpenAi.OpenAiEndpoints.Map(app, host);
        A1111.A1111Endpoints.Map(app, host);
        return host;
    }

    /// <summary>The image API host of an app built by <see cref="MapImageApis"/> (tests read its metrics).</summary>
    public static ImageApiHost? ImageApisOf(WebApplication app) =>
        ((IApplicationBuilder)app).Properties.TryGetValue(HostProperty, out var host) ? host as ImageApiHost : null;
}
