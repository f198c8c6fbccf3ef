using System.Collections.Concurrent;
using System.Text.Json;
using Easel.Engine;
using Microsoft.Extensions.Logging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Plugin.Tests;

/// <summary>
/// The model every test runs on: the bundled <c>models/easel-shapes</c> (64x64, ~13 ms a step here). The tiny
/// random-weight fixture <c>sd15-optimum</c> in tests/fixtures/models is a one-line switch.
/// </summary>
internal static class TestModel
{
    public const string Name = "easel-shapes";
    // The repository's models/ (the bundled model) is always searched; the fixtures are listed beside it.
    public static string ModelsPath => Path.Combine(RepoPaths.Root, "tests", "fixtures", "models");
    public const int Size = 64;
    public const int Steps = 3;

    public static void Apply(EaselOptions options, string outputDirectory)
    {
        options.ModelsPath = ModelsPath;
        options.DefaultModel = Name;
        options.OutputDirectory = outputDirectory;
        options.ExecutionProvider = "cpu";
    }

    public static EaselEngine Engine(TempDir output)
    {
        var options = new EaselOptions();
        Apply(options, output.Path);
        return new EaselEngine(options);
    }
}

/// <summary>Locates the repository (the folder holding Agents.sln) from the test output folder.</summary>
internal static class RepoPaths
{
    public static string Root => Easel.Testing.RepositoryRoot.Path;
}

/// <summary>A temporary output folder, deleted afterwards.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "easel-plugin-test-" + Guid.NewGuid().ToString("N"));
    public string[] Files => Directory.Exists(Path) ? Directory.GetFiles(Path, "*", SearchOption.AllDirectories) : [];
    public void Dispose() { if (Directory.Exists(Path)) Directory.Delete(Path, true); }
}

internal static class Pixels
{
    public static Rgb24[] Of(string path)
    {
        using var image = Image.Load<Rgb24>(path);
        return Of(image);
    }

    public static Rgb24[] Of(byte[] encoded)
    {
        using var image = Image.Load<Rgb24>(encoded);
        return Of(image);
    }

    public static Rgb24[] Of(Image<Rgb24> image)
    {
        var pixels = new Rgb24[image.Width * image.Height];
        image.CopyPixelDataTo(pixels);
        return pixels;
    }

    public static (int Width, int Height) SizeOf(string path)
    {
        var info = Image.Identify(path) ?? throw new InvalidOperationException("not an image: " + path);
        return (info.Width, info.Height);
    }

    /// <summary>A PNG mask: white (repaint) inside the rectangle, black elsewhere.</summary>
    public static byte[] MaskPng(int width, int height, int x0, int y0, int x1, int y1)
    {
        using var mask = new Image<Rgb24>(width, height, new Rgb24(0, 0, 0));
        for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++)
                mask[x, y] = new Rgb24(255, 255, 255);
        using var stream = new MemoryStream();
        mask.SaveAsPng(stream);
        return stream.ToArray();
    }

    public static string DataUri(byte[] png) => "data:image/png;base64," + Convert.ToBase64String(png);
}

internal static class Json
{
    public static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}

/// <summary>Collects log records so tests can see that logging middleware ran.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Records { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => owner.Records.Enqueue((category, logLevel, formatter(state, exception)));
    }
}
