using Microsoft.Extensions.Logging;

namespace Easel.McpServer.Cli;

/// <summary>Logs as plain lines to a writer (stderr for the CLI and stdio server: stdout carries only results).</summary>
internal sealed class TextWriterLoggerProvider(TextWriter writer) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(writer);

    public void Dispose() { }

    private sealed class Logger(TextWriter writer) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (writer) writer.WriteLine($"{logLevel.ToString().ToLowerInvariant()}: {formatter(state, exception)}");
        }
    }
}
