using Xunit.Abstractions;

namespace Easel.Consumer.Tests;

/// <summary>
/// New SK and MEAI console apps that add only the Easel.Plugin package (from the local feed) build with default
/// warnings and draw with the bundled model on the CPU: no native ONNX Runtime package, no model path, no settings.
/// </summary>
[Collection(UsesPackedFeed.Name)]
public sealed class ConsumerAppTests(PackedFeed feed, ITestOutputHelper log)
{
    private const string PluginOnly = """<PackageReference Include="Easel.Plugin" Version="$(EaselVersion)" />""";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<string, ConsumerProject> Built = [];

    private async Task<ConsumerProject> AppAsync(string name, params string[] references)
    {
        await Gate.WaitAsync(TimeSpan.FromMinutes(10));
        try
        {
            var key = name + string.Join('|', references);
            if (Built.TryGetValue(key, out var done)) return done;
            var source = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Apps", name, "Program.cs"));
            var project = await feed.CreateProjectAsync(name, source, references.Length == 0 ? [PluginOnly] : references);
            log.WriteLine($"{name}: restore + build {project.Build.Elapsed.TotalSeconds:F1} s");
            return Built[key] = project;
        }
        finally { Gate.Release(); }
    }

    private async Task<string[]> RunAndCollectImagesAsync(ConsumerProject app, string scenario, int expected)
    {
        var work = feed.NewFolder(scenario);
        var output = Path.Combine(work, "images");
        var run = (await app.RunAsync(work, scenario, output)).Ok($"{app.Name} {scenario}");
        log.WriteLine($"{app.Name} {scenario}: {run.Elapsed.TotalSeconds:F1} s");
        var paths = run.Stdout.Split('\n').Where(l => l.StartsWith("IMAGE ", StringComparison.Ordinal)).Select(l => l[6..].Trim()).ToArray();
        Assert.Equal(expected, paths.Length);
        foreach (var path in paths)
        {
            Assert.StartsWith(output, path, StringComparison.Ordinal);
            Assert.Equal((64, 64), Png.Size(path));
        }
        Assert.Equal(expected, Png.In(output).Length);
        return paths;
    }

    [Fact]
    public async Task Sk_app_builds_with_no_warnings_and_calls_the_plugin_function()
    {
        var app = await AppAsync("SkConsole");
        Assert.Empty(app.Warnings);
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(app.Dll)!, "models", "easel-shapes", "unet", "model.onnx")),
            "the bundled model is copied to the consumer's output");
        await RunAndCollectImagesAsync(app, "plugin", 1);
    }

    [Fact]
    public async Task Sk_app_generates_through_ITextToImageService()
    {
        await RunAndCollectImagesAsync(await AppAsync("SkConsole"), "text-to-image", 3);
    }

    [Fact]
    public async Task Sk_agent_loop_with_a_scripted_chat_model_calls_generate_image()
    {
        var app = await AppAsync("SkConsole");
        var work = feed.NewFolder("agent");
        var output = Path.Combine(work, "images");
        var run = (await app.RunAsync(work, "agent", output)).Ok("SkConsole agent");
        var png = Assert.Single(Png.In(output));
        Assert.Contains($"ASSISTANT Here it is: {png}", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Meai_app_uses_UseLogging_on_a_plain_service_collection()
    {
        var app = await AppAsync("MeaiConsole");
        Assert.Empty(app.Warnings);
        await RunAndCollectImagesAsync(app, "bare", 2);
    }

    [Fact]
    public async Task Meai_app_logging_middleware_logs_through_the_apps_logger()
    {
        var app = await AppAsync("MeaiConsole");
        var work = feed.NewFolder("logged");
        var run = (await app.RunAsync(work, "logged", Path.Combine(work, "images"))).Ok("MeaiConsole logged");
        Assert.Contains(run.Stdout.Split('\n'), l => l.StartsWith("LOG Microsoft.Extensions.AI.LoggingImageGenerator", StringComparison.Ordinal));
        Assert.Equal(2, Png.In(Path.Combine(work, "images")).Length);
    }

    [Fact]
    public async Task Without_a_native_onnx_runtime_the_error_names_the_packages_that_provide_one()
    {
        // The consumer opts out of the CPU natives Easel.Engine brings (as a GPU user does before adding another).
        var app = await AppAsync("MeaiConsole", PluginOnly,
            """<PackageReference Include="Microsoft.ML.OnnxRuntime" Version="1.31.0" ExcludeAssets="native" />""");
        Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(app.Dll)!, "runtimes", "linux-x64", "native")));
        var work = feed.NewFolder("no-native");
        var run = await app.RunAsync(work, "bare", Path.Combine(work, "images"));
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("FAILED Easel.Engine.EaselException", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("Microsoft.ML.OnnxRuntime (CPU", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(Png.In(Path.Combine(work, "images")));
    }

    /// <summary>
    /// The GPU swap docs/semantic-kernel.md shows: Microsoft.ML.OnnxRuntime.Gpu plus the CPU package with
    /// ExcludeAssets="native". The output holds one ONNX Runtime (the GPU build, with the CUDA and TensorRT providers) and
    /// none of the CPU package's natives; on a machine without CUDA, "auto" falls back to the CPU and draws, while an
    /// explicit "cuda" fails saying what is missing.
    /// </summary>
    [Fact]
    [Trait("Category", "Process")]
    public async Task The_gpu_package_swap_ships_one_runtime_with_the_cuda_provider_and_auto_falls_back_to_the_cpu()
    {
        const string OrtVersion = "1.31.0";
        var source = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Apps", "MeaiConsole", "Program.cs"));
        var app = await feed.CreateProjectAsync("MeaiGpu", source,
        [
            PluginOnly,
            $"""<PackageReference Include="Microsoft.ML.OnnxRuntime.Gpu" Version="{OrtVersion}" />""",
            $"""<PackageReference Include="Microsoft.ML.OnnxRuntime" Version="{OrtVersion}" ExcludeAssets="native" />""",
        ], fromNuGetOrg: true);
        log.WriteLine($"MeaiGpu: restore + build {app.Build.Elapsed.TotalSeconds:F1} s");
        Assert.Empty(app.Warnings);

        var bin = Path.GetDirectoryName(app.Dll)!;
        var native = Path.Combine(bin, "runtimes", "linux-x64", "native");
        Assert.True(File.Exists(Path.Combine(native, "libonnxruntime_providers_cuda.so")), "the CUDA provider is in the output");
        Assert.True(File.Exists(Path.Combine(native, "libonnxruntime_providers_shared.so")));
        // One runtime: every libonnxruntime.so / onnxruntime.dll in the output is the GPU package's, none the CPU package's.
        static string Hash(string path) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));
        var gpu = Hash(Path.Combine(feed.GlobalPackages, "microsoft.ml.onnxruntime.gpu.linux", OrtVersion, "runtimes", "linux-x64", "native", "libonnxruntime.so"));
        var cpu = Hash(Path.Combine(feed.GlobalPackages, "microsoft.ml.onnxruntime", OrtVersion, "runtimes", "linux-x64", "native", "libonnxruntime.so"));
        Assert.NotEqual(gpu, cpu);
        var runtimes = Directory.GetFiles(bin, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) is "libonnxruntime.so" or "onnxruntime.dll" or "libonnxruntime.dylib").ToList();
        Assert.Equal(2, runtimes.Count); // linux-x64 and win-x64, the GPU package's platforms
        Assert.Equal(gpu, Hash(Path.Combine(native, "libonnxruntime.so")));
        Assert.False(Directory.Exists(Path.Combine(bin, "runtimes", "osx-arm64")), "no CPU-package natives beside the GPU ones");
        Assert.False(Directory.Exists(Path.Combine(bin, "runtimes", "linux-arm64")), "no CPU-package natives beside the GPU ones");

        // Default provider (auto): this machine has no CUDA, so the GPU build runs on its CPU provider.
        var work = feed.NewFolder("gpu-auto");
        (await app.RunAsync(work, "bare", Path.Combine(work, "images"))).Ok("MeaiGpu bare (auto)");
        Assert.Equal(2, Png.In(Path.Combine(work, "images")).Length);

        // Asking for CUDA outright on a machine without it is an error naming what is missing, not a silent CPU run.
        if (File.Exists("/usr/lib/x86_64-linux-gnu/libcudart.so.12") || Directory.Exists("/usr/local/cuda")) return; // a CUDA machine would succeed here
        var cudaWork = feed.NewFolder("gpu-cuda");
        var cuda = await ProcessRunner.RunAsync(PackedFeed.Dotnet, [app.Dll, "bare", Path.Combine(cudaWork, "images")], cudaWork, TimeSpan.FromMinutes(3),
            new Dictionary<string, string?> { ["EASEL_EXECUTION_PROVIDER"] = "cuda" });
        Assert.Equal(3, cuda.ExitCode);
        Assert.Contains("CUDA", cuda.Stderr, StringComparison.Ordinal);
        Assert.Empty(Png.In(Path.Combine(cudaWork, "images")));
    }
}
