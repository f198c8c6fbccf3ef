namespace Easel.Engine.Tests;

/// <summary>Locates the repository (the folder holding Agents.sln) from the test output folder.</summary>
internal static class RepoPaths
{
    public static string Root => Easel.Testing.RepositoryRoot.Path;

    public static string FixtureModel(string name) => Path.Combine(Root, "tests", "fixtures", "models", name);
    public static string FixtureModels => Path.Combine(Root, "tests", "fixtures", "models");
    public static string BundledModel => Path.Combine(Root, "models", "easel-shapes");
}

/// <summary>A temporary output folder, deleted afterwards.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "easel-test-" + Guid.NewGuid().ToString("N"));
    public string[] Files => Directory.Exists(Path) ? Directory.GetFiles(Path, "*", SearchOption.AllDirectories) : [];
    public void Dispose() { if (Directory.Exists(Path)) Directory.Delete(Path, true); }
}
