using System.Text.Json.Nodes;

namespace Easel.Hostile.Tests;

/// <summary>A raw JSON-RPC connection to an Easel MCP server: lines go out as written, so malformed ones can be sent.</summary>
public interface IJsonRpcChannel
{
    /// <summary>Sends one message; returns the response (null on timeout) and whether the server died.</summary>
    Task<(JsonNode? Response, string Raw, bool Died)> SendAsync(string line, TimeSpan timeout);
}

/// <summary>Replays the corpus's MCP cases over one channel and judges each, then checks the server still answers.</summary>
public static class McpCorpusRunner
{
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(20);

    public static async Task RunAsync(IJsonRpcChannel channel, HostileWorld world, CorpusTally tally)
    {
        int n = 0;
        foreach (var c in Corpus.Section("mcp"))
        {
            n++;
            string line;
            if (c.Data["raw"] is { } raw) line = world.Fill(raw.GetValue<string>(), json: true);
            else
            {
                var message = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = $"case-{n}", ["method"] = c.Data["method"]!.GetValue<string>() };
                if (c.Data["params"] is { } p) message["params"] = world.Fill(p);
                line = world.Fill(message.ToJsonString(), json: true);
            }
            var before = world.OutputSnapshot();
            var timeout = c.Data["timeout"] is { } t ? TimeSpan.FromSeconds(t.GetValue<int>()) : CaseTimeout;
            var (response, text, died) = await channel.SendAsync(line, timeout);
            var reply = Interpret(response, text, died);
            bool alive = !died && (await channel.SendAsync($$"""{"jsonrpc":"2.0","id":"alive-{{n}}","method":"ping"}""", PingTimeout)).Response?["result"] is not null;
            string? oraclePath = c.Oracle is null ? null : world.Fill(c.Data["params"]!["arguments"]!["image"]!.GetValue<string>());
            tally.Judge(c, reply, before, world.OutputSnapshot(), alive, oraclePath);
            if (!alive) break; // every later case would only repeat the failure
        }
    }

    /// <summary>A JSON-RPC error or an isError tool result is a refusal; its text is the message judged.</summary>
    public static CaseReply Interpret(JsonNode? response, string raw, bool died)
    {
        if (died) return new CaseReply(true, true, true, "the server process exited: " + Tail(raw), raw);
        if (response is null) return new CaseReply(false, false, false, "", raw);
        if (response is JsonArray batch)
            return batch.Count > 0 ? Interpret(batch[0], raw, false) : new CaseReply(true, false, true, "empty batch reply", raw);
        if (response["error"] is JsonObject error)
        {
            var text = error["message"]?.ToString() + (error["data"] is { } data ? " " + data.ToJsonString() : "");
            return new CaseReply(true, false, true, text, raw);
        }
        if (response["result"] is JsonObject result)
        {
            bool isError = result["isError"]?.GetValue<bool>() == true;
            var text = string.Join("\n", (result["content"] as JsonArray ?? []).Select(b => b?["text"]?.ToString()).Where(t => t is not null));
            return new CaseReply(true, false, isError, isError ? text : Tail(raw), raw);
        }
        return new CaseReply(true, false, true, Tail(raw), raw);
    }

    private static string Tail(string s) => s.Length <= 2000 ? s : s[^2000..];
}
