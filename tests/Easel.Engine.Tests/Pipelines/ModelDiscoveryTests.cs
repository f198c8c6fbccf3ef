namespace Easel.Engine.Tests.Pipelines;

/// <summary>Where models are found: configuration passed in, no process-wide state.</summary>
public class ModelDiscoveryTests
{
    [Fact]
    public void ModelsAreFoundThroughEaselModelsAndByPath()
    {
        // EASEL_MODELS comes in as configuration (a dictionary standing in for the environment), never by
        // mutating the process environment; the application's models/ (the bundled model) is searched first.
        var options = EaselConfiguration.FromEnvironment(new System.Collections.Hashtable { ["EASEL_MODELS"] = RepoPaths.FixtureModels });
        var roots = Models.ModelRegistry.DefaultSearchRoots(options.ModelsPath);
        Assert.Equal(Models.ModelRegistry.ApplicationModels, roots[0]);
        Assert.True(File.Exists(Path.Combine(roots[0], Models.ModelRegistry.BundledModelName, "model_index.json")));
        Assert.Equal(Path.GetFullPath(RepoPaths.FixtureModels), Path.GetFullPath(roots[1]));
        using var output = new TempDir();
        using var engine = new EaselEngine(new EaselOptions { OutputDirectory = output.Path, ExecutionProvider = "cpu" });
        Assert.Equal("sdxl", engine.Models.Get(RepoPaths.FixtureModel("sdxl")).Name);
        var notModel = Assert.Throws<EaselException>(() => engine.Models.Get(RepoPaths.FixtureModels));
        Assert.Contains("not a diffusers ONNX model", notModel.Message);
    }
}
