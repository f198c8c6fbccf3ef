using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Easel.McpServer.Mcp.Hosting;

/// <summary>
/// <c>easel serve</c>: MCP over stdin/stdout. stdout carries JSON-RPC only, so every log line goes to stderr and
/// the host is built without defaults (no console logger on stdout, no appsettings from the working directory).
/// </summary>
internal static class StdioServer
{
    public static async Task<int> RunAsync(ServeSettings settings, CancellationToken cancellationToken)
    {
        // The SDK's stream transport behind a filter that answers the lines it would drop (see StdioLineFilter).
        await using var lines = new StdioLineFilter(Console.OpenStandardInput(), new BufferedStream(Console.OpenStandardOutput()));
        using var host = Build(settings, lines);
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Easel.Serve");
        logger.LogInformation("Easel MCP server on stdio; images go to {Directory}", settings.Engine.OutputDirectory);
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    /// <summary>The stdio server's host over <paramref name="lines"/> (tests pass pipes where the console would be).</summary>
    internal static IHost Build(ServeSettings settings, StdioLineFilter lines)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddConfiguration(settings.Configuration);
        ServerLogging.Configure(builder.Logging, settings.LogLevel);
        builder.Services.AddEasel(settings.Engine);
        builder.Services.AddEaselMcpServer().WithStreamServerTransport(lines.Input, lines.Output).WithEasel();
        return builder.Build();
    }
}

/// <summary>Server logging: plain lines on stderr; Easel at the chosen level, the frameworks at warnings.</summary>
internal static class ServerLogging
{
    public static void Configure(ILoggingBuilder logging, LogLevel level)
    {
        logging.ClearProviders();
        logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.SetMinimumLevel(level);
        logging.AddFilter("Microsoft", level <= LogLevel.Debug ? LogLevel.Information : LogLevel.Warning);
        logging.AddFilter("ModelContextProtocol", level <= LogLevel.Debug ? LogLevel.Information : LogLevel.Warning);
    }
}
