// A Microsoft.Extensions.AI console app that references only the Easel.Plugin package.
// Usage: MeaiConsole bare|logged OUTPUT_DIR
//   bare:   UseLogging() on a plain ServiceCollection with no logging registered by the app
//   logged: the app's own logger provider; each log line is printed as "LOG <category> <message>"
#pragma warning disable MEAI001 // IImageGenerator is experimental in Microsoft.Extensions.AI
using System.Drawing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

var scenario = args[0];
var output = args[1];
var services = new ServiceCollection();
if (scenario == "logged")
    services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new StdoutLoggerProvider()));
services.AddEasel(easel => easel.OutputDirectory = output, generator => generator.UseLogging());
await using var provider = services.BuildServiceProvider();

try
{
    var generator = provider.GetRequiredService<IImageGenerator>();
    var response = await generator.GenerateImagesAsync("a blue circle on a white background", new ImageGenerationOptions
    {
        Count = 2,
        ImageSize = new Size(64, 64),
        AdditionalProperties = new() { ["seed"] = 5, ["steps"] = 8 },
    });
    foreach (var content in response.Contents)
        Console.WriteLine($"IMAGE {content.AdditionalProperties?["path"]}");
}
catch (Exception ex)
{
    // What a user sees when something is wrong (e.g. no native ONNX Runtime): the type and message.
    Console.Error.WriteLine($"FAILED {ex.GetType().FullName}: {ex.Message}");
    return 3;
}
return 0;

sealed class StdoutLoggerProvider : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new StdoutLogger(categoryName);
    public void Dispose() { }

    private sealed class StdoutLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Console.WriteLine($"LOG {category} {formatter(state, exception).Split('\n')[0]}");
    }
}
