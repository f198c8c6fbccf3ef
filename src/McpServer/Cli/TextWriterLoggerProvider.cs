using Microsoft.Extensions.Logging;

namespace Easel.McpServer.Cli;

/// <summary>
/// Logs as plain lines to a writer (stderr for the CLI and stdio server: stdout carries only results). Scopes
/// prefix the line ("job job-…: "), so the engine's own lines inside a worker's job carry the job id too.
/// </summary>
internal sealed class TextWriterLoggerProvider(TextWriter writer) : ILoggerProvider
{
    private static readonly AsyncLocal<Scope?> Current = new();

    public ILogger CreateLogger(string categoryName) => new Logger(writer);

    public void Dispose() { }

    private sealed class Scope(object state, Scope? parent) : IDisposable
    {
        public Scope? Parent { get; } = parent;
        public override string ToString() => (Parent is null ? "" : Parent + " ") + state;
        public void Dispose() => Current.Value = Parent;
    }

    private sealed class Logger(TextWriter writer) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => Current.Value = new Scope(state, Current.Value);
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            // A line that already names the scope's job needs no prefix.
            var scope = Current.Value?.ToString() is { Length: > 0 } s && !message.Contains(s.Replace("job ", "", StringComparison.Ordinal), StringComparison.Ordinal) ? s + ": " : "";
            lock (writer) writer.WriteLine($"{logLevel.ToString().ToLowerInvariant()}: {scope}{message}");
        }
    }
}
