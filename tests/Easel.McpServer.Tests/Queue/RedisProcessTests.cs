using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Easel.McpServer.Tests.Queue;

/// <summary>The test Redis survives the race a parallel suite can cause: its port taken between finding and binding it.</summary>
[Trait("Category", "Process")]
public sealed class RedisProcessTests
{
    [Fact]
    public async Task A_port_taken_before_redis_binds_it_moves_redis_to_another_port()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        int taken = ((IPEndPoint)squatter.LocalEndpoint).Port;

        using var redis = new RedisProcess(firstPort: taken);

        Assert.NotEqual(taken, redis.Port);
        await using var client = await ConnectionMultiplexer.ConnectAsync(redis.Connection);
        var db = client.GetDatabase();
        Assert.True(await db.StringSetAsync("probe", "here"));
        Assert.Equal("here", (string?)await db.StringGetAsync("probe")); // a live redis on the port it reports
    }
}
