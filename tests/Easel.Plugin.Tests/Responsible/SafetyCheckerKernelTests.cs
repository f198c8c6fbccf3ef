using Easel.Testing;
using Microsoft.SemanticKernel;

namespace Easel.Plugin.Tests.Responsible;

/// <summary>The safety checker through Semantic Kernel: block raises a KernelException, flag returns the image with a warning.</summary>
public class SafetyCheckerKernelTests
{
    private static Kernel KernelWith(TempDir output, string mode)
    {
        var builder = Kernel.CreateBuilder();
        builder.AddEaselImageGeneration(o =>
        {
            TestModel.Apply(o, output.Path);
            o.SafetyCheckerPath = SafetyFixtures.Checker("always");
            o.SafetyChecker = mode;
        });
        return builder.Build();
    }

    [Fact]
    public async Task BlockFailsTheFunctionAndWritesNothing()
    {
        using var output = new TempDir();
        var kernel = KernelWith(output, "block");
        var ex = await Assert.ThrowsAsync<KernelException>(() => kernel.InvokeAsync(EaselPlugin.DefaultName, "generate_image",
            new KernelArguments { ["prompt"] = "a red circle", ["steps"] = 2 }).WaitAsync(TimeSpan.FromMinutes(2)));
        Assert.Contains("safety checker: 1 of 1 image(s) flagged as unsafe and withheld; nothing was saved", ex.Message);
        Assert.Empty(output.Files);
        (kernel.Services as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task FlagReturnsTheImageWithTheWarning()
    {
        using var output = new TempDir();
        var kernel = KernelWith(output, "flag");
        var result = await kernel.InvokeAsync(EaselPlugin.DefaultName, "generate_image",
            new KernelArguments { ["prompt"] = "a red circle", ["steps"] = 2, ["seed"] = 6 }).WaitAsync(TimeSpan.FromMinutes(2));
        var json = Json.Parse(result.GetValue<string>()!);
        var warning = Assert.Single(json.GetProperty("warnings").EnumerateArray()).GetString();
        Assert.StartsWith("safety checker: image 0 (seed 6) was flagged as unsafe; saved", warning);
        Assert.Single(Directory.GetFiles(output.Path, "*.png"));
        (kernel.Services as IDisposable)?.Dispose();
    }
}
