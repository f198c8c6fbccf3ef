using System.Text;

namespace Easel.Consumer.Tests;

/// <summary>
/// Packs Easel.Engine, Easel.Plugin and the Easel tool once per test run to a local feed outside the repository,
/// under a version no earlier run used (so the machine's NuGet cache never serves a stale copy), and removes that
/// version from the cache afterwards. Consumers restore offline: the feed plus the machine's global packages folder.
/// </summary>
public sealed class PackedFeed : IAsyncLifetime
{
    public static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(8);

    /// <summary>A scratch folder outside the repository (no Directory.Build.props, no central package versions above it).</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "easel-consumer-" + Guid.NewGuid().ToString("N")[..12]);
    public string Feed => Path.Combine(Root, "feed");
    public string NuGetConfig => Path.Combine(Root, "nuget.config");
    public string Version { get; } = $"0.1.0-local.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
    public string GlobalPackages { get; private set; } = "";
    public static string Repository { get; } = FindRepoRoot();
    public static string Dotnet { get; } = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>Seconds each packing step took, for the report.</summary>
    public List<string> Timings { get; } = [];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        var locals = (await RunDotnetAsync(Root, "nuget", "locals", "global-packages", "--list")).Ok("dotnet nuget locals");
        GlobalPackages = locals.Stdout.Split(':', 2)[1].Trim();
        await File.WriteAllTextAsync(NuGetConfig, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="easel-local" value="{Feed}" />
                <add key="machine-cache" value="{GlobalPackages}" />
              </packageSources>
            </configuration>
            """);

        // Build Release once (incremental across runs), then pack that build under this run's package version.
        foreach (var project in new[] { "src/McpServer", "src/Plugin" })
            Timings.Add($"build {project}: {(await RunDotnetAsync(PackedFeed.Repository, "build", project, "-c", "Release", "--nologo")).Ok($"build {project}").Elapsed.TotalSeconds:F1} s");
        foreach (var project in new[] { "src/Engine", "src/Queue", "src/Plugin", "src/McpServer" })
            Timings.Add($"pack {project}: {(await RunDotnetAsync(PackedFeed.Repository, "pack", project, "-c", "Release", "--no-build", "--nologo",
                $"-p:PackageVersion={Version}", "-o", Feed)).Ok($"pack {project}").Elapsed.TotalSeconds:F1} s");
    }

    public Task DisposeAsync()
    {
        foreach (var id in new[] { "easel", "easel.engine", "easel.queue", "easel.plugin" })
        {
            var cached = Path.Combine(GlobalPackages, id, Version.ToLowerInvariant());
            if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
        }
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
        return Task.CompletedTask;
    }

    public string Package(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    /// <summary>A new folder under <see cref="Root"/> for one consumer.</summary>
    public string NewFolder(string name)
    {
        var dir = Path.Combine(Root, name + "-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static Task<ProcessResult> RunDotnetAsync(string workingDirectory, params string[] args) =>
        ProcessRunner.RunAsync(Dotnet, args, workingDirectory, BuildTimeout);

    /// <summary>
    /// Creates a console project in a new folder with the given package references (Easel packages at this run's
    /// version) and program, restores it from the local feed only and builds it; returns its folder.
    /// </summary>
    /// <param name="fromNuGetOrg">Also restore from nuget.org, for a package no Easel project references by default (the GPU runtime).</param>
    public async Task<ConsumerProject> CreateProjectAsync(string name, string program, IEnumerable<string> packageReferences, string extraProperties = "",
        bool fromNuGetOrg = false)
    {
        var dir = NewFolder(name);
        if (fromNuGetOrg)
            await File.WriteAllTextAsync(Path.Combine(dir, "nuget.config"), """
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
                  </packageSources>
                </configuration>
                """);
        var refs = new StringBuilder();
        foreach (var reference in packageReferences) refs.AppendLine("    " + reference.Replace("$(EaselVersion)", Version, StringComparison.Ordinal));
        await File.WriteAllTextAsync(Path.Combine(dir, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
            {extraProperties}
              </PropertyGroup>
              <ItemGroup>
            {refs}
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(dir, "Program.cs"), program);
        // Root/nuget.config (feed + machine cache, nothing else) is found above the project folder (plus nuget.org if asked).
        var build = (await RunDotnetAsync(dir, "build", "--nologo")).Ok($"build {name}");
        return new ConsumerProject(dir, name, build);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Agents.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Agents.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A built consumer project.</summary>
public sealed record ConsumerProject(string Directory, string Name, ProcessResult Build)
{
    public string Dll => Path.Combine(Directory, "bin", "Debug", "net10.0", Name + ".dll");

    /// <summary>Warnings the build printed (a consumer with default settings should see none).</summary>
    public IReadOnlyList<string> Warnings => Build.Stdout.Split('\n')
        .Where(l => l.Contains(": warning ", StringComparison.Ordinal)).Select(l => l.Trim()).Distinct().ToList();

    /// <summary>Runs the built app from a new working folder (not the project's), with a timeout.</summary>
    public Task<ProcessResult> RunAsync(string workingDirectory, params string[] args) =>
        ProcessRunner.RunAsync(PackedFeed.Dotnet, [Dll, .. args], workingDirectory, TimeSpan.FromMinutes(3));
}

[CollectionDefinition(Name)]
public sealed class UsesPackedFeed : ICollectionFixture<PackedFeed>
{
    public const string Name = "packed feed";
}
