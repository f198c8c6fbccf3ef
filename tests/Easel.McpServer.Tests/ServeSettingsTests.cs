using System.Collections;
using Easel.McpServer.Mcp.Hosting;

namespace Easel.McpServer.Tests;

public sealed class ServeSettingsTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Appsettings_bind_to_EaselOptions_and_environment_variables_override()
    {
        File.WriteAllText(Path.Combine(_dir.Path, "appsettings.json"), """
            { "Easel": { "DefaultModel": "from-file", "QueueLength": 3, "MaxConcurrentGenerations": 2, "ExecutionProvider": "cpu",
                         "OutputDirectory": "/from/file", "Http": { "Urls": [ "http://127.0.0.1:9000" ], "AllowedOrigins": [ "https://a.example" ] } } }
            """);
        var fileOnly = ServeSettings.Load(new Dictionary<string, string?>(), new Hashtable(), _dir.Path);
        Assert.Equal("from-file", fileOnly.Engine.DefaultModel);
        Assert.Equal(3, fileOnly.Engine.QueueLength);
        Assert.Equal(2, fileOnly.Engine.MaxConcurrentGenerations);
        Assert.Equal("/from/file", fileOnly.Engine.OutputDirectory);
        Assert.Equal(["http://127.0.0.1:9000"], fileOnly.Http.Urls);
        Assert.Equal(["https://a.example"], fileOnly.Http.AllowedOrigins);
        Assert.Null(fileOnly.Http.ApiKey);

        var environment = new Hashtable
        {
            ["EASEL_DEFAULT_MODEL"] = "from-env",
            ["EASEL_OUTPUT_DIR"] = "/from/env",
            ["EASEL_EXECUTION_PROVIDER"] = "cuda",
            ["EASEL_QUEUE_LENGTH"] = "5",
            ["EASEL_MAX_CONCURRENT_GENERATIONS"] = "4",
            ["EASEL_API_KEY"] = "key",
            ["EASEL_ALLOWED_ORIGINS"] = "https://b.example, https://c.example",
            ["Easel__Http__Urls__0"] = "http://127.0.0.1:9100",
        };
        var withEnv = ServeSettings.Load(new Dictionary<string, string?>(), environment, _dir.Path);
        Assert.Equal("from-env", withEnv.Engine.DefaultModel);
        Assert.Equal("/from/env", withEnv.Engine.OutputDirectory);
        Assert.Equal("cuda", withEnv.Engine.ExecutionProvider);
        Assert.Equal(5, withEnv.Engine.QueueLength);
        Assert.Equal(4, withEnv.Engine.MaxConcurrentGenerations);
        Assert.Equal("key", withEnv.Http.ApiKey);
        Assert.Equal(["https://b.example", "https://c.example"], withEnv.Http.AllowedOrigins);
        Assert.Equal(["http://127.0.0.1:9100"], withEnv.Http.Urls);

        var withCommandLine = ServeSettings.Load(new Dictionary<string, string?> { ["Easel:OutputDirectory"] = "/from/cli" }, environment, _dir.Path);
        Assert.Equal("/from/cli", withCommandLine.Engine.OutputDirectory);
    }

    [Fact]
    public void Defaults_are_loopback_one_worker_and_a_home_output_folder()
    {
        var settings = ServeSettings.Load(new Dictionary<string, string?>(), new Hashtable(), _dir.Path);
        Assert.Equal([HttpSettings.DefaultUrl], settings.Http.Urls);
        Assert.Equal("http://127.0.0.1:8765", HttpSettings.DefaultUrl);
        Assert.Equal(1, settings.Engine.MaxConcurrentGenerations);
        Assert.Equal(ServeSettings.DefaultOutputDirectory(), settings.Engine.OutputDirectory);
        Assert.True(Path.IsPathRooted(settings.Engine.OutputDirectory));
        Assert.Null(settings.Http.ApiKey);
    }

    [Fact]
    public void Http_servers_read_local_files_only_from_configured_folders()
    {
        var stdio = ServeSettings.Load(new Dictionary<string, string?>(), new Hashtable(), _dir.Path);
        Assert.Null(stdio.Engine.InputFolders); // the user's own client: any path
        var http = ServeSettings.Load(new Dictionary<string, string?>(), new Hashtable(), _dir.Path, useHttp: true);
        Assert.NotNull(http.Engine.InputFolders);
        Assert.Empty(http.Engine.InputFolders!); // only the output folder and earlier results
        var configured = ServeSettings.Load(new Dictionary<string, string?> { ["Easel:InputFolders:0"] = "/srv/images" }, new Hashtable(), _dir.Path, useHttp: true);
        Assert.Equal(["/srv/images"], configured.Engine.InputFolders!);
    }
}
