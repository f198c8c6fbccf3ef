using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Xunit.Abstractions;

namespace Easel.Consumer.Tests;

/// <summary>The Easel tool package as a user installs it: dotnet tool install / dnx from a feed, run outside the repo.</summary>
[Collection(UsesPackedFeed.Name)]
public sealed class ToolPackageTests(PackedFeed feed, ITestOutputHelper log)
{
    private EaselTool Tool { get; } = new(feed, log);

    [Fact]
    public void The_tool_package_is_an_mcp_server_with_its_server_json_and_the_bundled_model()
    {
        using var zip = ZipFile.OpenRead(feed.Package("Easel"));
        var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName == "Easel.nuspec").Open()).ReadToEnd();
        Assert.Contains("<packageType name=\"McpServer\" />", nuspec);
        Assert.Contains("<packageType name=\"DotnetTool\" />", nuspec);
        Assert.Contains("<license type=\"expression\">MIT</license>", nuspec);
        Assert.Contains("<readme>README.md</readme>", nuspec);
        Assert.DoesNotContain("Package Description", nuspec);

        var server = JsonNode.Parse(new StreamReader(zip.Entries.Single(e => e.FullName == ".mcp/server.json").Open()).ReadToEnd())!;
        var package = server["packages"]![0]!;
        Assert.Equal("nuget", (string?)package["registryType"]);
        Assert.Equal("Easel", (string?)package["identifier"]);
        Assert.Equal(feed.Version, (string?)package["version"]);
        Assert.Equal(feed.Version, (string?)server["version"]);
        Assert.Equal("serve", (string?)package["packageArguments"]![0]!["value"]);

        var files = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("tools/net10.0/any/models/easel-shapes/unet/model.onnx", files);
        Assert.Contains("tools/net10.0/any/models/easel-shapes/model_index.json", files);
        Assert.DoesNotContain(files, f => f.Contains("training_log", StringComparison.Ordinal) || f.Contains("/android/", StringComparison.Ordinal));
        log.WriteLine($"Easel.{feed.Version}.nupkg: {new FileInfo(feed.Package("Easel")).Length / 1e6:F1} MB; " +
                      $"Easel.Engine: {new FileInfo(feed.Package("Easel.Engine")).Length / 1e6:F1} MB; Easel.Plugin: {new FileInfo(feed.Package("Easel.Plugin")).Length / 1e3:F0} KB");
        foreach (var timing in feed.Timings) log.WriteLine(timing);
    }

    /// <summary>The repository the nuspec names and the one server.json names, read from one package.</summary>
    private static (string? NuspecUrl, string? ProjectUrl, string? ServerJsonUrl, string? ServerJsonSource) Repositories(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        var nuspec = System.Xml.Linq.XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        var repository = metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "repository");
        var projectUrl = metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "projectUrl");
        var server = JsonNode.Parse(new StreamReader(zip.Entries.Single(e => e.FullName == ".mcp/server.json").Open()).ReadToEnd())!;
        return ((string?)repository?.Attribute("url"), projectUrl?.Value, (string?)server["repository"]?["url"], (string?)server["repository"]?["source"]);
    }

    [Fact]
    public async Task The_nuspec_and_server_json_take_the_repository_from_one_property_and_name_none_by_default()
    {
        // Default (this repository has no public remote): neither names a repository.
        Assert.Equal((null, null, null, null), Repositories(feed.Package("Easel")));

        // Set once, both follow.
        const string url = "https://github.com/example-owner/easel";
        var output = feed.NewFolder("repository-url");
        (await PackedFeed.RunDotnetAsync(PackedFeed.Repository, "pack", "src/McpServer", "-c", "Release", "--no-build", "--nologo",
            $"-p:PackageVersion={feed.Version}", $"-p:EaselRepositoryUrl={url}", "-o", output)).Ok("pack src/McpServer with EaselRepositoryUrl");
        Assert.Equal((url, url, url, "github"), Repositories(Path.Combine(output, $"Easel.{feed.Version}.nupkg")));
    }

    [Fact]
    public async Task Installed_tool_generates_and_serves_mcp_from_outside_the_repository()
    {
        var tools = await Tool.InstallAsync();
        var work = feed.NewFolder("tool-user");
        var output = Path.Combine(work, "images");

        var generate = (await ProcessRunner.RunAsync(tools.Easel, ["generate", "a red circle on a blue background", "--seed", "3", "--out", output, "--json"],
            work, TimeSpan.FromMinutes(2))).Ok("easel generate");
        using (var json = JsonDocument.Parse(generate.Stdout))
            Assert.Equal("easel-shapes", json.RootElement.GetProperty("model").GetString());
        var png = Assert.Single(Png.In(output));
        Assert.Equal((64, 64), Png.Size(png));

        var served = Path.Combine(work, "served");
        await using var client = await Tool.ConnectAsync(tools.Easel, ["serve"], work, served);
        Assert.Equal("easel", client.ServerInfo?.Name);
        var result = await EaselTool.CallGenerateAsync(client);
        Assert.NotEqual(true, result.IsError);
        var link = Assert.Single(result.Content.OfType<ResourceLinkBlock>());
        Assert.StartsWith("easel://images/", link.Uri, StringComparison.Ordinal);
        Assert.Equal((64, 64), Png.Size(Assert.Single(Png.In(served))));
    }

    [Fact]
    public async Task Dnx_runs_the_server_from_the_local_feed()
    {
        var work = feed.NewFolder("dnx-user");
        var served = Path.Combine(work, "served");
        var dnx = Path.Combine(Path.GetDirectoryName(EaselTool.ResolveDotnet())!, OperatingSystem.IsWindows() ? "dnx.cmd" : "dnx");
        Assert.True(File.Exists(dnx), $"this SDK has no dnx at {dnx}");
        await using var client = await Tool.ConnectAsync(dnx, [$"Easel@{feed.Version}", "--yes", "--add-source", feed.Feed, "--", "serve"], work, served);
        Assert.Equal("easel", client.ServerInfo?.Name);
        var result = await EaselTool.CallGenerateAsync(client);
        Assert.NotEqual(true, result.IsError);
        Assert.Single(Png.In(served));
    }
}
