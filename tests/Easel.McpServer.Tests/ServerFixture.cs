namespace Easel.McpServer.Tests;

/// <summary>One in-process server shared by the tests of a collection (the engine loads its ONNX sessions once).</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    internal InProcessServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await InProcessServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SharedServer : ICollectionFixture<ServerFixture>
{
    public const string Name = "shared MCP server";
}
