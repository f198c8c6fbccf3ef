using Easel.Engine;
using Easel.McpServer.Http;
using Easel.McpServer.Mcp.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.AspNetCore;

namespace Easel.McpServer.Mcp.Hosting;

/// <summary><c>easel serve --http</c>: Streamable HTTP at <c>/mcp</c>, loopback by default, behind <see cref="RequestGuard"/>.</summary>
public static class HttpServer
{
    public const string Path = "/mcp";

    /// <summary>Builds the app; throws <see cref="EaselException"/> for settings that must not start (exposed without a key).</summary>
    public static WebApplication Build(ServeSettings settings)
    {
        if (HttpSafetyPolicy.StartupProblem(settings.Http) is { } problem)
            throw new EaselException(problem);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddConfiguration(settings.Configuration);
        builder.WebHost.UseUrls(settings.Http.Urls);
        // A network caller names models only by name: no model folder elsewhere is loaded or probed.
        settings.Engine.ModelsByNameOnly = true;
        ServerLogging.Configure(builder.Logging, settings.LogLevel);
        builder.Services.AddEasel(settings.Engine);
        builder.Services.AddSingleton(new HttpSafetyPolicy(settings.Http));
        builder.Services.AddSingleton<RequestGuard>();
        builder.Services.AddHttpContextAccessor(); // a dropped connection cancels its tool call (ToolErrorFilter)
        builder.Services.AddEaselMcpServer()
            // Sessions for initialize-handshake clients so notifications/cancelled and progress reach the running
            // call; newer clients are served statelessly on the same endpoint.
            .WithHttpTransport(o => o.SessionMode = HttpServerSessionMode.StatefulForInitializeClients)
            .WithEasel();

        var app = builder.Build();
        var safety = app.Services.GetRequiredService<HttpSafetyPolicy>();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            // Runs inside StartAsync, before it returns; requests that arrive earlier are refused by the guard.
            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
            if (safety.ConfirmBound(bound) is not null) app.Lifetime.StopApplication();
        });
        app.MapImageApis(); // OpenAI Images API, AUTOMATIC1111 subset, /health, /ready: before the guard, see MapImageApis
        var guard = app.Services.GetRequiredService<RequestGuard>();
        app.Use((context, next) => guard.InvokeAsync(context, next));
        app.MapMcp(Path);
        return app;
    }

    public static async Task<int> RunAsync(ServeSettings settings, TextWriter stderr, CancellationToken cancellationToken)
    {
        WebApplication app;
        try
        {
            app = Build(settings);
        }
        catch (EaselException ex)
        {
            stderr.WriteLine($"easel serve: {ex.Message}");
            return 2;
        }
        await using (app)
        {
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                stderr.WriteLine($"easel serve: cannot listen on {string.Join(", ", settings.Http.Urls)}: {ex.Message}");
                return 1;
            }
            var policy = app.Services.GetRequiredService<HttpSafetyPolicy>();
            if (policy.Refusal is { } refusal)
            {
                stderr.WriteLine($"easel serve: {refusal}");
                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
                return 2;
            }
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Easel.Serve");
            logger.LogInformation("Easel MCP server on {Urls} (path {Path}); token {Token}; images go to {Directory}",
                string.Join(", ", app.Urls), Path, policy.RequiresToken ? "required" : "not required", settings.Engine.OutputDirectory);
            try
            {
                await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { }
            return 0;
        }
    }
}
