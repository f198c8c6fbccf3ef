using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using OpenAI;

namespace Easel.Plugin.Tests;

/// <summary>
/// The sample's wiring (OpenAI client → MEAI → SK function invocation → plugin) against a scripted OpenAI-compatible
/// endpoint served from an in-memory HTTP handler: the tool message the endpoint receives is the plugin's JSON text.
/// </summary>
public class OpenAiWireTests
{
    /// <summary>Answers /chat/completions: first a generate_image tool call, then a reply quoting the tool result.</summary>
    private sealed class ScriptedEndpoint : HttpMessageHandler
    {
        public List<JsonObject> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.EndsWith("/chat/completions", request.RequestUri!.AbsolutePath);
            var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!.AsObject();
            Requests.Add(body);
            var toolMessages = body["messages"]!.AsArray().Where(m => (string?)m!["role"] == "tool").ToList();
            JsonObject message;
            if (toolMessages.Count == 0)
            {
                var tool = body["tools"]!.AsArray().Select(t => (string)t!["function"]!["name"]!).Single(n => n.EndsWith("generate_image", StringComparison.Ordinal));
                message = new JsonObject
                {
                    ["role"] = "assistant",
                    ["tool_calls"] = new JsonArray(new JsonObject
                    {
                        ["id"] = "call-1",
                        ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = tool, ["arguments"] = """{"prompt":"a fox","steps":2,"seed":3}""" },
                    }),
                };
            }
            else
            {
                var result = JsonNode.Parse((string)toolMessages[0]!["content"]!)!;
                message = new JsonObject { ["role"] = "assistant", ["content"] = "Saved to " + (string)result["images"]![0]!["path"]! };
            }
            var response = new JsonObject
            {
                ["id"] = "chatcmpl-1",
                ["object"] = "chat.completion",
                ["created"] = 0,
                ["model"] = (string)body["model"]!,
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = toolMessages.Count == 0 ? "tool_calls" : "stop" }),
            };
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(response.ToJsonString(), Encoding.UTF8, "application/json") };
        }
    }

    [Fact]
    public async Task AnOpenAiToolMessageCarriesThePluginJsonAsText()
    {
        using var h = new KernelHarness();
        var endpoint = new ScriptedEndpoint();
        var client = new OpenAIClient(new ApiKeyCredential("unused"), new OpenAIClientOptions
        {
            Endpoint = new Uri("http://scripted.invalid/v1"),
            Transport = new HttpClientPipelineTransport(new HttpClient(endpoint)),
        });
        var chat = new ChatClientBuilder(client.GetChatClient("scripted").AsIChatClient()).UseKernelFunctionInvocation().Build().AsChatCompletionService();
        var history = new ChatHistory();
        history.AddUserMessage("Draw a fox.");

        var answer = await chat.GetChatMessageContentAsync(history, new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() }, h.Kernel);

        Assert.Equal(2, endpoint.Requests.Count);
        var toolNames = endpoint.Requests[0]["tools"]!.AsArray().Select(t => (string)t!["function"]!["name"]!).Order().ToList();
        Assert.Equal(["easel_compose_prompt", "easel_create_variations", "easel_generate_image", "easel_inpaint_image", "easel_list_models", "easel_make_dataset", "easel_make_grid", "easel_outpaint_image", "easel_restyle_image"], toolNames);
        var toolMessage = endpoint.Requests[1]["messages"]!.AsArray().Single(m => (string?)m!["role"] == "tool")!;
        var content = toolMessage["content"]!;
        Assert.Equal(JsonValueKind.String, content.GetValueKind()); // text, not image parts
        var result = JsonDocument.Parse((string)content!).RootElement;
        var path = result.GetProperty("images")[0].GetProperty("path").GetString()!;
        Assert.True(File.Exists(path));
        Assert.Equal(3, result.GetProperty("images")[0].GetProperty("seed").GetInt64());
        Assert.Equal("Saved to " + path, answer.Content);
    }
}
