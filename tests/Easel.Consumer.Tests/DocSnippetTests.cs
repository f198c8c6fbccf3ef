using System.Xml.Linq;
using Xunit.Abstractions;

namespace Easel.Consumer.Tests;

/// <summary>
/// Every C# block of docs/semantic-kernel.md and README.md, pasted into a new console project that references the
/// locally packed Easel.Plugin (plus any packages the block names), builds with default warnings and none raised,
/// and runs to exit code 0 from a fresh folder with the bundled model.
/// </summary>
[Collection(UsesPackedFeed.Name)]
public sealed class DocSnippetTests(PackedFeed feed, ITestOutputHelper log)
{
    public static readonly string[] Documents = ["docs/semantic-kernel.md", "README.md"];

    private static string RepoRoot => PackedFeed.Repository;

    public static TheoryData<string, int> Snippets()
    {
        var data = new TheoryData<string, int>();
        foreach (var document in Documents)
            foreach (var snippet in DocSnippet.Read(PackedFeed.Repository, document))
                data.Add(document, snippet.Index);
        return data;
    }

    [Fact]
    public void The_documents_have_csharp_blocks_to_test()
    {
        Assert.True(DocSnippet.Read(PackedFeed.Repository, "docs/semantic-kernel.md").Count >= 5);
        Assert.NotEmpty(DocSnippet.Read(PackedFeed.Repository, "README.md"));
    }

    [Theory]
    [MemberData(nameof(Snippets))]
    public async Task Snippet_builds_and_runs_against_the_packed_packages(string document, int index)
    {
        var snippet = DocSnippet.Read(PackedFeed.Repository, document)[index];
        var versions = CentralVersions();
        var references = new List<string> { """<PackageReference Include="Easel.Plugin" Version="$(EaselVersion)" />""" };
        foreach (var package in snippet.Packages)
            references.Add($"""<PackageReference Include="{package}" Version="{(versions.TryGetValue(package, out var v) ? v : throw new InvalidOperationException($"{snippet}: no version for {package} in Directory.Packages.props"))}" />""");
        var project = await feed.CreateProjectAsync($"Snippet{Path.GetFileNameWithoutExtension(document).Replace("-", "")}{index}", snippet.Program, references);
        Assert.True(project.Warnings.Count == 0, $"{snippet} built with warnings:\n{string.Join('\n', project.Warnings)}");
        if (snippet.BuildOnly is { } reason)
        {
            log.WriteLine($"{snippet}: built; not run ({reason})");
            return;
        }
        var work = feed.NewFolder("run");
        var run = (await project.RunAsync(work)).Ok(snippet.ToString());
        log.WriteLine($"{snippet}: build {project.Build.Elapsed.TotalSeconds:F1} s, run {run.Elapsed.TotalSeconds:F1} s\n{run.Stdout}");
        Assert.False(string.IsNullOrWhiteSpace(run.Stdout), $"{snippet} printed nothing");
        foreach (var png in Png.In(work)) Assert.True(Png.Size(png).Width >= 64, png);
    }

    private static Dictionary<string, string> CentralVersions() =>
        XDocument.Load(Path.Combine(PackedFeed.Repository, "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!, StringComparer.OrdinalIgnoreCase);
}
