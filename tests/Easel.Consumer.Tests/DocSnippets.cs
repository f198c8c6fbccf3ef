using System.Text;
using System.Text.RegularExpressions;

namespace Easel.Consumer.Tests;

/// <summary>
/// A C# block of a Markdown document as a user pastes it. Markers are HTML comments on the lines just above a
/// block (invisible when rendered; the prose says the same): <c>&lt;!-- fragment --&gt;</c> continues the previous
/// program, <c>&lt;!-- packages: A, B --&gt;</c> names packages besides Easel.Plugin, <c>&lt;!-- build-only: why --&gt;</c>
/// builds without running (e.g. it needs a chat model).
/// </summary>
public sealed record DocSnippet(string Document, int Index, int Line, string Program, IReadOnlyList<string> Packages, string? BuildOnly)
{
    public override string ToString() => $"{Document} block {Index} (line {Line})";

    public static IReadOnlyList<DocSnippet> Read(string repoRoot, string document)
    {
        var lines = File.ReadAllLines(Path.Combine(repoRoot, document));
        var snippets = new List<DocSnippet>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp") continue;
            int start = i;
            var code = new StringBuilder();
            for (i++; i < lines.Length && lines[i].Trim() != "```"; i++) code.AppendLine(lines[i]);
            var markers = MarkersAbove(lines, start);
            var packages = markers.Where(m => m.StartsWith("packages:", StringComparison.Ordinal))
                .SelectMany(m => m["packages:".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            var buildOnly = markers.FirstOrDefault(m => m.StartsWith("build-only:", StringComparison.Ordinal))?["build-only:".Length..].Trim();
            var program = code.ToString();
            if (markers.Contains("fragment"))
            {
                var previous = snippets.LastOrDefault() ?? throw new InvalidOperationException($"{document} line {start + 1}: a fragment needs a program before it");
                program = previous.Program + "\n// --- continued in the document\n" + program;
                packages = [.. previous.Packages, .. packages];
                buildOnly ??= previous.BuildOnly;
            }
            snippets.Add(new DocSnippet(document, snippets.Count, start + 1, program, packages, buildOnly));
        }
        return snippets;
    }

    private static List<string> MarkersAbove(string[] lines, int start)
    {
        var markers = new List<string>();
        for (int j = start - 1; j >= 0; j--)
        {
            var line = lines[j].Trim();
            if (line.Length == 0) continue;
            var match = Regex.Match(line, @"^<!--\s*(.*?)\s*-->$");
            if (!match.Success) break;
            markers.Add(match.Groups[1].Value);
        }
        return markers;
    }
}
