using System.Runtime.InteropServices;
using Xunit.Abstractions;

namespace Easel.Consumer.Tests;

/// <summary>`dotnet publish -r RID` of the server carries that platform's ONNX Runtime only, and finds the bundled model.</summary>
[Collection(UsesPackedFeed.Name)]
public sealed class PublishTests(PackedFeed feed, ITestOutputHelper log)
{
    [Fact]
    public async Task A_platform_publish_carries_one_platforms_natives_and_finds_the_bundled_model()
    {
        var rid = RuntimeInformation.RuntimeIdentifier; // this machine's platform, so the result can run here
        var output = feed.NewFolder("publish-" + rid);
        var publish = (await PackedFeed.RunDotnetAsync(PackedFeed.Repository, "publish", "src/McpServer", "-c", "Release", "-r", rid,
            "--self-contained", "false", "--nologo", "-o", output)).Ok("dotnet publish");

        var files = Directory.GetFiles(output, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(output, f)).ToList();
        Assert.DoesNotContain(files, f => f.StartsWith("runtimes", StringComparison.Ordinal));
        var natives = files.Where(f => Path.GetFileName(f).Contains("onnxruntime", StringComparison.OrdinalIgnoreCase)
            && Path.GetFileName(f) != "Microsoft.ML.OnnxRuntime.dll").ToList();
        log.WriteLine("native ONNX Runtime files: " + string.Join(", ", natives));
        var expected = OperatingSystem.IsWindows() ? "onnxruntime.dll" : OperatingSystem.IsMacOS() ? "libonnxruntime.dylib" : "libonnxruntime.so";
        Assert.Contains(expected, natives);
        Assert.DoesNotContain(files, f => f.EndsWith(".dylib", StringComparison.Ordinal) && !OperatingSystem.IsMacOS());
        Assert.DoesNotContain(files, f => f.EndsWith(".so", StringComparison.Ordinal) && !OperatingSystem.IsLinux());
        Assert.DoesNotContain(files, f => Path.GetFileName(f) == "onnxruntime.dll" && !OperatingSystem.IsWindows());
        Assert.Contains(Path.Combine("models", "easel-shapes", "unet", "model.onnx"), files);

        long bytes = files.Sum(f => new FileInfo(Path.Combine(output, f)).Length);
        log.WriteLine($"publish -r {rid}: {bytes / 1e6:F1} MB in {files.Count} files ({publish.Elapsed.TotalSeconds:F0} s)");

        var work = feed.NewFolder("published-user");
        var easel = Path.Combine(output, OperatingSystem.IsWindows() ? "easel.exe" : "easel");
        var models = (await ProcessRunner.RunAsync(easel, ["models", "--json"], work, TimeSpan.FromMinutes(2))).Ok("published easel models");
        Assert.Contains("easel-shapes", models.Stdout, StringComparison.Ordinal);
    }
}
