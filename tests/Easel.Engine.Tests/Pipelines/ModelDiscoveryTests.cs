namespace Easel.Engine.Tests.Pipelines;

/// <summary>Where models are found. Sets EASEL_MODELS, so it runs alone (see <see cref="ProcessEnvironment"/>).</summary>
[Collection(ProcessEnvironment.Name)]
public class ModelDiscoveryTests
{
    [Fact]
    public void ModelsAreFoundThroughEaselModelsAndByPath()
    {
        var previous = Environment.GetEnvironmentVariable("EASEL_MODELS");
        try
        {
            Environment.SetEnvironmentVariable("EASEL_MODELS", RepoPaths.FixtureModels);
            var roots = Models.ModelRegistry.DefaultSearchRoots();
            Assert.Equal(Path.GetFullPath(RepoPaths.FixtureModels), Path.GetFullPath(roots[0]));
        }
        finally { Environment.SetEnvironmentVariable("EASEL_MODELS", previous); }
        using var output = new TempDir();
        using var engine = new EaselEngine(new EaselOptions { OutputDirectory = output.Path, ExecutionProvider = "cpu" });
        Assert.Equal("sdxl", engine.Models.Get(RepoPaths.FixtureModel("sdxl")).Name);
        var notModel = Assert.Throws<EaselException>(() => engine.Models.Get(RepoPaths.FixtureModels));
        Assert.Contains("not a diffusers ONNX model", notModel.Message);
    }
}
