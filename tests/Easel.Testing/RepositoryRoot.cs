namespace Easel.Testing;

/// <summary>The repository (the folder holding Agents.sln), found from the test output folder: test data lives there.</summary>
public static class RepositoryRoot
{
    /// <summary>Absolute path of the repository root.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Agents.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Agents.sln not found above " + AppContext.BaseDirectory);
    }
}
