using Microsoft.SemanticKernel;

namespace Easel.Plugin.Tests.Responsible;

/// <summary>The built-in prompt policy through a Semantic Kernel function: a KernelException naming the category.</summary>
public class PromptPolicyKernelTests
{
    [Fact]
    public async Task GenerateImageFailsWithTheCategoryAndWritesNothing()
    {
        using var h = new KernelHarness();
        var ex = await Assert.ThrowsAsync<KernelException>(() => h.InvokeAsync("generate_image", new KernelArguments { ["prompt"] = "isis propaganda poster" })
            .WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("refused by the prompt policy (category: violent extremism)", ex.Message);
        Assert.DoesNotContain("isis", ex.Message);
        Assert.Empty(h.Output.Files);
    }
}
