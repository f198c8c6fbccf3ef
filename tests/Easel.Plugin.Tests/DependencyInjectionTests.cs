using Easel.Engine;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.TextToImage;

namespace Easel.Plugin.Tests;

/// <summary>One registration call wires everything over one engine, with options from the "Easel" section.</summary>
public class DependencyInjectionTests
{
    private static IConfiguration Configuration(TempDir output) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Easel:ModelsPath"] = TestModel.ModelsPath,
        ["Easel:DefaultModel"] = TestModel.Name,
        ["Easel:OutputDirectory"] = output.Path,
        ["Easel:ExecutionProvider"] = "cpu",
        ["Easel:QueueLength"] = "3",
        ["Easel:Plugin:PluginName"] = "images",
    }).Build();

    [Fact]
    public async Task OptionsBindFromTheEaselSectionAndEveryServiceSharesOneEngine()
    {
        using var output = new TempDir();
        var services = new ServiceCollection();
        services.AddSingleton(Configuration(output));
        services.AddEasel();
        services.AddEaselPlugin();
        services.AddEasel(); // a second call must not add a second engine
        using var provider = services.BuildServiceProvider();

        var engine = provider.GetRequiredService<EaselEngine>();
        Assert.Equal(TestModel.ModelsPath, engine.Options.ModelsPath);
        Assert.Equal(TestModel.Name, engine.Options.DefaultModel);
        Assert.Equal(3, engine.Options.QueueLength);
        Assert.Equal("cpu", engine.Options.ExecutionProvider);
        Assert.Equal(output.Path, engine.Store.Directory);
        Assert.Single(services, d => d.ServiceType == typeof(EaselEngine));
        Assert.Single(provider.GetServices<ITextToImageService>());

        Assert.Same(engine, provider.GetRequiredService<IImageGenerator>().GetService<EaselEngine>());
        Assert.IsType<EaselTextToImageService>(provider.GetRequiredService<ITextToImageService>());

        // A kernel built over these services gets the plugin under the configured name, running on the same engine.
        var kernel = new Kernel(provider);
        var result = await kernel.InvokeAsync("images", "generate_image", new() { ["prompt"] = "a dot", ["steps"] = 1, ["seed"] = 1 });
        Assert.Contains(output.Path, result.GetValue<string>());
        Assert.Single(engine.Store.Recent(10));
    }

    [Fact]
    public void CodeConfigurationOverridesTheConfigurationSection()
    {
        using var output = new TempDir();
        using var other = new TempDir();
        var services = new ServiceCollection();
        services.AddSingleton(Configuration(output));
        services.AddEasel(o => o.OutputDirectory = other.Path);
        using var provider = services.BuildServiceProvider();
        Assert.Equal(other.Path, provider.GetRequiredService<EaselEngine>().Store.Directory);
        Assert.Equal(3, provider.GetRequiredService<EaselEngine>().Options.QueueLength);
    }

    [Fact]
    public void TheKernelBuilderCallRegistersTheServicesAndThePlugin()
    {
        using var output = new TempDir();
        var builder = Kernel.CreateBuilder();
        builder.AddEaselImageGeneration(o => TestModel.Apply(o, output.Path), p => p.PluginName = "art");
        var kernel = builder.Build();
        try
        {
            Assert.Equal(9, kernel.Plugins["art"].FunctionCount);
            Assert.IsType<EaselTextToImageService>(kernel.GetRequiredService<ITextToImageService>());
            Assert.NotNull(kernel.GetRequiredService<IImageGenerator>().GetService<EaselImageGenerator>());
        }
        finally
        {
            (kernel.Services as IDisposable)?.Dispose();
        }
    }
}
