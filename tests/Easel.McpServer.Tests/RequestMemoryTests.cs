using Easel.Engine.Vocabulary;

namespace Easel.McpServer.Tests;

/// <summary>
/// The up-front memory estimate (Easel:MaxRequestMemoryMB): a request whose size would need more than the cap is
/// refused as a field error naming width, height and the limit, before the queue or any UNet call; one under it runs.
/// </summary>
public sealed class RequestMemoryTests
{
    [Fact]
    public async Task A_size_over_the_memory_cap_is_refused_before_any_work_and_one_under_it_runs()
    {
        await using var server = await InProcessServer.StartAsync(o => o.MaxRequestMemoryMB = 64);
        using var gate = server.Hold(at: 1); // counts UNet calls; a refused request must make none
        gate.Release();

        var refused = await server.CallAsync("generate_image", new { prompt = "a red circle", width = 512, height = 512, steps = 2 });
        Assert.True(refused.IsError, refused.Text());
        var message = refused.Text();
        Assert.Contains("width/height/count", message, StringComparison.Ordinal);
        Assert.Contains("512x512", message, StringComparison.Ordinal);
        Assert.Contains("over the 64 MB limit (Easel:MaxRequestMemoryMB)", message, StringComparison.Ordinal);
        Assert.Equal(0, gate.Calls);
        Assert.Empty(server.Output.Pngs);

        // The same server still serves a size under the cap (64×64: a few MB by the estimate).
        (await server.CallAsync("generate_image", new { prompt = "a red circle", steps = 2, inline = "none" })).Ok();
        Assert.Equal(2, gate.Calls);
        Assert.Single(server.Output.Pngs);
    }

    [Fact]
    public void The_estimate_grows_with_the_square_of_the_latent_tokens_and_counts_guidance_as_a_batch_of_two()
    {
        long small = MemoryEstimate.Bytes(512, 512, 1, classifierFreeGuidance: false);
        long guided = MemoryEstimate.Bytes(512, 512, 1, classifierFreeGuidance: true);
        long huge = MemoryEstimate.Bytes(2048, 2048, 1, classifierFreeGuidance: true);
        Assert.Equal(64L * 64 * 64 * 64 * 4, guided - small); // one more 4096-token attention matrix
        Assert.True(huge > 32L << 30, $"2048x2048 with guidance estimated at only {huge >> 20} MB");
        Assert.True(guided < 1L << 30, $"512x512 estimated at {guided >> 20} MB");
    }
}
