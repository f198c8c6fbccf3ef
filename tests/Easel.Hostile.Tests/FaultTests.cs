using System.Diagnostics;
using System.Text.Json.Nodes;
using Easel.Engine;
using Easel.Engine.Imaging;
using Easel.Engine.Pipelines;
using Easel.McpServer.Mcp.Hosting;

namespace Easel.Hostile.Tests;

/// <summary>Faults and load: a full disk, a read-only folder, kill -9 mid-run, a public bind from Kestrel's own config, 32 calls at once.</summary>
public sealed class FaultTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);
    private readonly HostileWorld _world = new();

    private static EaselEngine Engine(string outputDirectory) => new(new EaselOptions
    {
        DefaultModel = "easel-shapes",
        OutputDirectory = outputDirectory,
        ExecutionProvider = "cpu",
    });

    private static bool IsRoot => Environment.UserName == "root";

    [Fact]
    public async Task A_disk_that_fills_mid_set_keeps_none_of_the_set_and_says_so()
    {
        Assert.True(IsRoot, "this test mounts a small tmpfs and needs root (CI runs as root)");
        var disk = Path.Combine(_world.Root, "small-disk");
        Directory.CreateDirectory(disk);
        Assert.Equal(0, HostileWorld.Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", disk));
        try
        {
            // Leave room for about one image of the set of four.
            var free = new DriveInfo(disk).AvailableFreeSpace;
            File.WriteAllBytes(Path.Combine(disk, "filler.bin"), new byte[Math.Max(0, free - 24 * 1024)]);
            using var engine = Engine(Path.Combine(disk, "out"));
            var error = await Assert.ThrowsAsync<EaselException>(() =>
                engine.GenerateAsync(new GenerateRequest { Prompt = "a red circle", Steps = 1, Count = 4, Seed = 1 }).WaitAsync(Limit));
            output.WriteLine(error.Message);
            Assert.Contains("none were kept", error.Message);
            Assert.Empty(Directory.GetFiles(Path.Combine(disk, "out"), "*", SearchOption.AllDirectories));
        }
        finally
        {
            HostileWorld.Run("umount", disk);
        }
    }

    [Fact]
    public async Task A_read_only_output_folder_fails_before_any_work_with_the_folder_named()
    {
        using var engine = Engine(Path.Combine(_world.ReadOnly, "out"));
        var error = await Assert.ThrowsAsync<EaselException>(() =>
            engine.GenerateAsync(new GenerateRequest { Prompt = "a red circle", Steps = 1 }).WaitAsync(Limit));
        Assert.Contains("output folder", error.Message);
        Assert.Contains(_world.ReadOnly, error.Message);
        Assert.False(Directory.Exists(Path.Combine(_world.ReadOnly, "out")));
    }

    [Fact]
    public async Task Kill_9_mid_generation_leaves_no_output_and_stale_partials_are_removed_at_the_next_start()
    {
        var outDir = Path.Combine(_world.Root, "killed");
        var info = StdioServer.StartInfo(_world, "generate", "a red circle", "--steps", "400", "--count", "8", "--scheduler", "euler", "--out", outDir);
        using var process = Process.Start(info)!;
        try
        {
            // The first finished image is reported on stderr; kill while the rest of the set is running.
            using var wait = new CancellationTokenSource(Limit);
            string? line;
            do line = await process.StandardError.ReadLineAsync(wait.Token);
            while (line is not null && !line.Contains("image 1/8", StringComparison.Ordinal));
            Assert.NotNull(line);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(new CancellationTokenSource(Limit).Token);
        }
        Assert.Empty(Directory.Exists(outDir) ? Directory.GetFiles(outDir, "*.png") : []);

        // A partial file of a process that no longer exists (as a crash mid-write leaves), then a new run.
        var partial = Path.Combine(outDir, ImageStore.PartialFolder);
        Directory.CreateDirectory(partial);
        var stale = Path.Combine(partial, $"{process.Id}-{Guid.NewGuid():N}.png");
        File.WriteAllBytes(stale, [1, 2, 3]);
        using var engine = Engine(outDir);
        var result = await engine.GenerateAsync(new GenerateRequest { Prompt = "a red circle", Steps = 1 }).WaitAsync(Limit);
        Assert.False(File.Exists(stale), "the stale partial file of the killed process is still there");
        Assert.Equal(result.Images.Select(i => i.Path).Order(), Directory.GetFiles(outDir, "*.png").Order());
    }

    [Fact]
    public async Task A_public_address_from_kestrel_configuration_without_a_key_stops_the_server()
    {
        var settings = HttpMcpServer.Settings(_world, new Dictionary<string, string?> { ["Kestrel:Endpoints:Public:Url"] = "http://0.0.0.0:0" });
        var stderr = new StringWriter();
        int code = await HttpServer.RunAsync(settings, stderr, CancellationToken.None).WaitAsync(Limit);
        Assert.Equal(2, code);
        Assert.Contains("refusing to listen on http://0.0.0.0", stderr.ToString());
    }

    [Fact]
    public async Task A_public_address_from_kestrel_environment_variables_stops_the_process()
    {
        var info = StdioServer.StartInfo(_world, "serve", "--http");
        info.Environment["Kestrel__Endpoints__Public__Url"] = "http://0.0.0.0:0";
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var wait = new CancellationTokenSource(Limit);
        try { await process.WaitForExitAsync(wait.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); Assert.Fail("the server kept running on 0.0.0.0 without a key"); }
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("refusing to listen", await stderr);
    }

    [Fact]
    public async Task Thirty_two_concurrent_http_calls_each_succeed_or_get_the_busy_error_and_none_is_lost()
    {
        await using var server = await HttpMcpServer.StartAsync(_world);
        var calls = Enumerable.Range(0, 32).Select(i => server.SendAsync(
            "{\"jsonrpc\":\"2.0\",\"id\":\"load-" + i + "\",\"method\":\"tools/call\",\"params\":{\"name\":\"generate_image\",\"arguments\":{\"prompt\":\"a red circle\",\"steps\":1,\"seed\":" + i + "}}}",
            Limit)).ToList();
        var replies = await Task.WhenAll(calls);
        int ok = 0, busy = 0;
        foreach (var (response, raw, died) in replies)
        {
            Assert.False(died, raw);
            var reply = McpCorpusRunner.Interpret(response, raw, died);
            Assert.True(reply.Replied, "a call got no answer");
            if (!reply.IsError) ok++;
            else if (reply.Message.Contains("busy", StringComparison.Ordinal)) busy++;
            else Assert.Fail("neither a result nor the busy error: " + reply.Message);
        }
        output.WriteLine($"32 concurrent calls: {ok} ok, {busy} busy");
        Assert.Equal(32, ok + busy);
        Assert.True(ok >= 1);
        // The planted symlink and hard link aside.
        Assert.Equal(ok, Directory.GetFiles(_world.Output, "*.png").Count(f => new FileInfo(f).LinkTarget is null && !f.Contains(HostileWorld.PlantedHardLinkId, StringComparison.Ordinal)));
    }

    [Fact]
    public void A_text_chunk_bomb_is_never_inflated()
    {
        var bytes = File.ReadAllBytes(_world.TextBomb);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        using (var image = ImageLoader.Decode(bytes, 4_000_000)) Assert.Equal(64, image.Width);
        Assert.Empty(PngCodec.ReadText(bytes));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        output.WriteLine($"{bytes.Length} bytes on disk (256 MB inflated); decoding allocated {allocated / 1024} KB");
        Assert.True(allocated < 32 * 1024 * 1024, $"decoding allocated {allocated / (1024 * 1024)} MB: the text chunk was inflated");
    }

    public void Dispose() => _world.Dispose();
}
