using System.Text.RegularExpressions;

namespace Easel.Testing;

/// <summary>
/// The line <c>easel serve --http</c> logs once it listens, read for the address it actually bound. Tests start it on
/// <c>http://127.0.0.1:0</c> (the OS picks a free port at bind time), so no two servers of a parallel suite can race
/// for a port the way a port found free and bound later can.
/// </summary>
public static partial class ServerStartLine
{
    /// <summary>The URL that <c>easel serve --http</c> passes on the command line for an OS-chosen loopback port.</summary>
    public const string AnyLoopbackPort = "http://127.0.0.1:0";

    /// <summary>True for the start-up line of either transport.</summary>
    public static bool IsStartLine(string line) => line.Contains("Easel MCP server on", StringComparison.Ordinal);

    /// <summary>The server's base address (ending in '/') when <paramref name="line"/> is the HTTP start-up line, else null.</summary>
    public static Uri? Address(string line) =>
        HttpStartLine().Match(line) is { Success: true } m ? new Uri(m.Groups[1].Value.TrimEnd('/') + "/") : null;

    [GeneratedRegex(@"Easel MCP server on (http://[^,\s]+)")]
    private static partial Regex HttpStartLine();
}
