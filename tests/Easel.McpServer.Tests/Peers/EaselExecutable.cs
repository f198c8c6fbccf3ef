namespace Easel.McpServer.Tests.Peers;

/// <summary>The built <c>easel</c> apphost, launched as MCP clients launch it.</summary>
internal static class EaselExecutable
{
    /// <summary>The apphost the build copies beside the tests (the referenced exe project), else its own output.</summary>
    public static string Path
    {
        get
        {
            var name = OperatingSystem.IsWindows() ? "easel.exe" : "easel";
            var beside = System.IO.Path.Combine(AppContext.BaseDirectory, name);
            if (File.Exists(beside)) return beside;
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0
            var own = System.IO.Path.Combine(RepoPaths.Root, "src", "McpServer", "bin", configuration, "net10.0", name);
            return File.Exists(own) ? own : throw new FileNotFoundException("Build src/McpServer first: easel executable not found", own);
        }
    }

    /// <summary>What a server process needs from the environment for a test: its own output folder, the test model, CPU.</summary>
    public static Dictionary<string, string?> Environment(string outputDirectory) => new()
    {
        ["EASEL_OUTPUT_DIR"] = outputDirectory,
        ["EASEL_DEFAULT_MODEL"] = TestModel.Name,
        ["EASEL_EXECUTION_PROVIDER"] = "cpu",
        ["EASEL_API_KEY"] = null,
    };

    /// <summary>The command line of an stdio server over the test models.</summary>
    public static string[] ServeArguments => ["serve", "--models", TestModel.ModelsPath];
}
