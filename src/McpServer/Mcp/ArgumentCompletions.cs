using Easel.Engine;
using Easel.Engine.Text;
using Easel.McpServer.Mcp.Resources;
using ModelContextProtocol.Protocol;

namespace Easel.McpServer.Mcp;

/// <summary>
/// completion/complete: suggestions for prompt arguments (model names, style presets) and for the id of the
/// <c>easel://images/{id}</c> template (recent images), so clients can offer pickers. Anything else: no suggestions.
/// </summary>
internal static class ArgumentCompletions
{
    private const int Max = 100; // the protocol's cap per response

    public static CompleteResult Complete(EaselEngine engine, CompleteRequestParams? request)
    {
        var argument = request?.Argument;
        var typed = argument?.Value ?? "";
        IEnumerable<string> candidates = (request?.Ref, argument?.Name) switch
        {
            (PromptReference, "model") => engine.Models.List().Select(m => m.Name),
            (PromptReference, "style") => PromptComposer.StylePresets.Keys.Order(StringComparer.Ordinal),
            (ResourceTemplateReference t, "id") when t.Uri == EaselResources.ImageUriTemplate => engine.Store.Recent(EaselResources.RecentCount).Select(i => i.Id),
            _ => [],
        };
        var matches = candidates.Where(c => c.StartsWith(typed, StringComparison.OrdinalIgnoreCase)).ToList();
        return new CompleteResult
        {
            Completion = new Completion { Values = matches.Take(Max).ToList(), Total = matches.Count, HasMore = matches.Count > Max },
        };
    }
}
