using Easel.Engine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Easel.McpServer.Mcp.Hosting;

/// <summary>Easel:WarmUp (EASEL_WARM_UP): warms the default model in the background while the server already answers;
/// a request that arrives meanwhile waits for the worker like any queued request.</summary>
internal sealed class EngineWarmUp(EaselEngine engine, ILogger<EngineWarmUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await engine.WarmUpAsync(null, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down before the warm-up finished
        }
        catch (EaselException ex)
        {
            logger.LogWarning("Warm-up failed; the first request loads the model instead: {Message}", ex.Message);
        }
    }
}
