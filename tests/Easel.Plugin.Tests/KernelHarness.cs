using System.Text.Json;
using Microsoft.SemanticKernel;

namespace Easel.Plugin.Tests;

/// <summary>A kernel built the way an app would build it (one AddEaselImageGeneration call) over a temporary output folder.</summary>
internal sealed class KernelHarness : IDisposable
{
    public KernelHarness(Action<EaselPluginOptions>? plugin = null, Action<IKernelBuilder>? more = null)
    {
        var builder = Kernel.CreateBuilder();
        builder.AddEaselImageGeneration(o => TestModel.Apply(o, Output.Path), plugin);
        more?.Invoke(builder);
        Kernel = builder.Build();
    }

    public TempDir Output { get; } = new();
    public Kernel Kernel { get; }

    public Task<FunctionResult> InvokeAsync(string function, KernelArguments arguments) =>
        Kernel.InvokeAsync(EaselPlugin.DefaultName, function, arguments);

    /// <summary>Invokes a function and parses its JSON result.</summary>
    public async Task<JsonElement> InvokeJsonAsync(string function, KernelArguments arguments)
    {
        var result = await InvokeAsync(function, arguments);
        var text = result.GetValue<string>();
        Assert.False(string.IsNullOrEmpty(text), $"{function} returned no text");
        return Json.Parse(text!);
    }

    public void Dispose()
    {
        (Kernel.Services as IDisposable)?.Dispose();
        Output.Dispose();
    }
}
