using System.Threading.Channels;
using Easel.Engine.Pipelines;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Easel.McpServer.Mcp;

/// <summary>
/// Sends engine progress as MCP progress notifications when the client asked for them (a progress token):
/// one per denoising step (progress = steps done over all images) and the queue position while waiting.
/// The engine reports synchronously on its worker thread; a single pump sends in order without blocking the
/// worker, and <see cref="DisposeAsync"/> drains it so every notification precedes the tool's result.
/// </summary>
internal sealed class ProgressForwarder : IProgress<GenerationProgress>, IAsyncDisposable
{
    private readonly Channel<ProgressNotificationValue>? _channel;
    private readonly Task _pump = Task.CompletedTask;

    public ProgressForwarder(ModelContextProtocol.Server.McpServer server, ProgressToken? token, ILogger logger)
    {
        if (token is not { } progressToken) return;
        _channel = Channel.CreateUnbounded<ProgressNotificationValue>(new UnboundedChannelOptions { SingleReader = true });
        _pump = PumpAsync(server, progressToken, _channel.Reader, logger);
    }

    public void Report(GenerationProgress value)
    {
        if (_channel is null) return;
        var notification = value.Stage switch
        {
            "denoising" => new ProgressNotificationValue
            {
                Progress = value.Completed,
                Total = value.Total,
                Message = value.Images > 1 ? $"image {value.Image + 1}/{value.Images}, step {value.Step}/{value.Steps}" : $"step {value.Step}/{value.Steps}",
            },
            "queued" => new ProgressNotificationValue
            {
                Progress = 0,
                Total = value.Total,
                Message = $"queued, position {value.QueuePosition}",
            },
            _ => (ProgressNotificationValue?)null, // encoding/decoding would repeat a progress value (it must increase)
        };
        if (notification is not null) _channel.Writer.TryWrite(notification);
    }

    private static async Task PumpAsync(ModelContextProtocol.Server.McpServer server, ProgressToken token, ChannelReader<ProgressNotificationValue> reader, ILogger logger)
    {
        await foreach (var value in reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await server.NotifyProgressAsync(token, value).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A client that went away must not fail the generation; drop the remaining notifications.
                logger.LogDebug(ex, "Progress notification not delivered");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is null) return;
        _channel.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
    }
}
