using System.Diagnostics;
using System.Text;

namespace Easel.Consumer.Tests;

/// <summary>What a finished process printed.</summary>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:F1} s\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs a command to completion; a run past its timeout is killed and fails with what it printed.</summary>
public static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory,
        TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in arguments) info.ArgumentList.Add(arg);
        Isolate(info.Environment);
        if (environment is not null)
            foreach (var (key, value) in environment)
                if (value is null) info.Environment.Remove(key); else info.Environment[key] = value;

        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        process.StandardInput.Close();
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var outTask = Pump(process.StandardOutput, stdout);
        var errTask = Pump(process.StandardError, stderr);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(outTask, errTask).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', info.ArgumentList)} did not finish within {timeout.TotalSeconds} s.\n--- stdout\n{stdout}\n--- stderr\n{stderr}");
        }
        return new ProcessResult(process.ExitCode, stdout.ToString(), stderr.ToString(), stopwatch.Elapsed);
    }

    /// <summary>
    /// A consumer starts with none of this repository's settings: no EASEL_* variables, no MSBuild state inherited
    /// from the test host (dotnet test sets MSBuild variables that would steer child builds).
    /// </summary>
    public static void Isolate(IDictionary<string, string?> environment)
    {
        foreach (var key in environment.Keys.ToList())
            if (key.StartsWith("EASEL_", StringComparison.OrdinalIgnoreCase) || key.StartsWith("Easel__", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || key is "MSBUILD_EXE_PATH" or "DOTNET_HOST_PATH")
                environment.Remove(key);
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";
        environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
    }

    private static async Task Pump(StreamReader reader, StringBuilder into)
    {
        var buffer = new char[4096];
        int n;
        while ((n = await reader.ReadAsync(buffer)) > 0)
            lock (into) into.Append(buffer, 0, n);
    }

    /// <summary>Throws with the full output unless the run exited 0.</summary>
    public static ProcessResult Ok(this ProcessResult result, string what)
    {
        if (result.ExitCode != 0) throw new Xunit.Sdk.XunitException($"{what} failed: {result}");
        return result;
    }
}
