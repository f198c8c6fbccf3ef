using Easel.Engine;
using Easel.Queue;
using Microsoft.Extensions.Logging;

namespace Easel.McpServer.Cli;

/// <summary>
/// <c>easel worker --queue HOST:PORT</c>: loads its models and runs the jobs front-ends (<c>easel serve</c> with
/// Easel:Queue:Redis) put on their streams, until Ctrl+C. See docs/scale-out.md.
/// </summary>
internal static class WorkerCommand
{
    public static async Task<int> RunAsync(CommandLine cl, TextWriter stderr, CancellationToken ct)
    {
        var options = EaselConfiguration.FromEnvironment();
        if (cl.String("queue") is { } queue) options.Queue.Redis = queue;
        if (cl.String("provider") is { } provider) options.ExecutionProvider = provider;
        if (cl.String("models") is { } models) options.ModelsPath = models;
        if (cl.Double("claim-idle") is { } idle) options.Queue.ClaimIdleSeconds = idle;
        if (cl.Int("max-attempts") is { } attempts) options.Queue.MaxAttempts = attempts;
        if (cl.String("shared-folder") is { } shared) options.Queue.SharedFolder = Path.GetFullPath(shared);
        var only = cl.String("model")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var name = cl.String("name") ?? $"{Environment.MachineName}-{Environment.ProcessId}";
        bool verbose = cl.Flag("verbose");
        cl.EnsureAllUsed("worker");
        if (cl.Positionals.Count > 0)
            throw new EaselValidationException(cl.Positionals[0], "unexpected argument. Usage: easel worker --queue HOST:PORT");
        if (string.IsNullOrWhiteSpace(options.Queue.Redis))
            throw new EaselValidationException("queue", "is required: easel worker --queue HOST:PORT (or EASEL_QUEUE_REDIS).");
        // Images pass through this folder on their way to the caller: the shared folder, else one of this worker's own.
        options.OutputDirectory = options.Queue.SharedFolder ?? Path.Combine(Path.GetTempPath(), "easel-worker-" + name);

        using var loggerFactory = LoggerFactory.Create(b => b
            .SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information)
            .AddProvider(new TextWriterLoggerProvider(stderr)));
        using var engine = new EaselEngine(options, loggerFactory);
        var served = engine.ListModels().Where(m => m.Capabilities is not null).Select(m => m.Name)
            .Where(m => only is null || only.Contains(m, StringComparer.OrdinalIgnoreCase)).ToList();
        if (only?.FirstOrDefault(m => !served.Contains(m, StringComparer.OrdinalIgnoreCase)) is { } missing)
            throw new EaselValidationException("model", $"'{missing}' is not a usable model here. Found: {string.Join(", ", engine.ListModels().Select(m => m.Name))}.");
        using var worker = new QueueWorker(engine, served, name, loggerFactory.CreateLogger("Easel.Worker"));
        await worker.RunAsync(ct).ConfigureAwait(false);
        return CliApp.ExitOk;
    }
}
