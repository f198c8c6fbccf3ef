using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using FunctionCallContent = Microsoft.Extensions.AI.FunctionCallContent;
using FunctionInvocationContext = Microsoft.SemanticKernel.FunctionInvocationContext;
using FunctionResultContent = Microsoft.Extensions.AI.FunctionResultContent;

namespace Easel.Plugin.Tests;

/// <summary>
/// A chat agent that uses the plugin through SK's automatic function calling: a scripted model asks for
/// generate_image, then inpaint_image on the first result, then answers. SK, not the test, invokes the functions.
/// </summary>
public class AgentLoopTests
{
    private sealed record Invocation(string Function, Dictionary<string, object?> Arguments, string? Result);

    private sealed class RecordingFilter : IFunctionInvocationFilter, IAutoFunctionInvocationFilter
    {
        public List<Invocation> Invocations { get; } = [];
        public int AutoInvocations { get; private set; }

        public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
        {
            string? result = null;
            try
            {
                await next(context);
                result = context.Result.GetValue<object>() as string;
            }
            finally
            {
                Invocations.Add(new(context.Function.Name, context.Arguments.ToDictionary(a => a.Key, a => a.Value), result));
            }
        }

        public async Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
        {
            AutoInvocations++;
            await next(context);
        }
    }

    private static string ResultText(FunctionResultContent result) => result.Result switch
    {
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString()!,
        var other => other?.ToString() ?? "",
    };

    /// <summary>Arguments as a real connector delivers them: parsed from the model's JSON text.</summary>
    private static Dictionary<string, object?> ArgumentsFromJson(string json) => JsonSerializer.Deserialize<Dictionary<string, object?>>(json)!;

    [Fact]
    public async Task AutoFunctionCallingGeneratesThenInpaintsTheFirstResultAndAnswersWithThePath()
    {
        using var h = new KernelHarness();
        var recorder = new RecordingFilter();
        h.Kernel.FunctionInvocationFilters.Add(recorder);
        h.Kernel.AutoFunctionInvocationFilters.Add(recorder);
        var mask = Pixels.DataUri(Pixels.MaskPng(64, 64, 16, 16, 48, 48));
        string? firstId = null;

        var model = new ScriptedChatClient((messages, options) =>
        {
            var tools = options?.Tools?.OfType<AIFunctionDeclaration>().ToList() ?? [];
            string Tool(string function) => tools.Single(t => t.Name.EndsWith(function, StringComparison.Ordinal)).Name;
            var results = messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().ToList();
            switch (results.Count)
            {
                case 0:
                    return new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call-1", Tool("generate_image"),
                        ArgumentsFromJson("""{"prompt": "a red circle on blue", "seed": 21, "steps": 3, "width": 64, "height": 64}"""))]);
                case 1:
                    firstId = Json.Parse(ResultText(results[0])).GetProperty("images")[0].GetProperty("id").GetString();
                    return new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call-2", Tool("inpaint_image"),
                        ArgumentsFromJson($$"""{"image": "{{firstId}}", "mask": "{{mask}}", "prompt": "a small tree", "seed": 22, "steps": 3}"""))]);
                default:
                    var path = Json.Parse(ResultText(results[1])).GetProperty("images")[0].GetProperty("path").GetString();
                    return new ChatMessage(ChatRole.Assistant, $"Done. The edited image is at {path}");
            }
        });

        var chat = new ChatClientBuilder(model).UseKernelFunctionInvocation().Build().AsChatCompletionService();
        var history = new ChatHistory();
        history.AddUserMessage("Draw a red circle, then paint a small tree into its middle.");
        var settings = new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };

        var answer = await chat.GetChatMessageContentAsync(history, settings, h.Kernel);

        // The model was offered all nine functions and called twice, then answered.
        Assert.Equal(3, model.Requests.Count);
        Assert.Equal(9, model.Requests[0].Options!.Tools!.Count);
        Assert.Equal(2, recorder.AutoInvocations);

        // SK invoked our functions with the model's arguments, in order.
        Assert.Equal(["generate_image", "inpaint_image"], recorder.Invocations.Select(i => i.Function));
        var generate = recorder.Invocations[0];
        Assert.Equal("a red circle on blue", generate.Arguments["prompt"]?.ToString());
        Assert.Equal("21", generate.Arguments["seed"]?.ToString());
        var inpaint = recorder.Invocations[1];
        Assert.NotNull(firstId);
        Assert.Equal(firstId, inpaint.Arguments["image"]?.ToString());
        Assert.Equal(mask, inpaint.Arguments["mask"]?.ToString());

        // The tool results the model saw were the functions' JSON text.
        var firstResult = model.Requests[1].Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Single();
        Assert.Equal(generate.Result, ResultText(firstResult));
        var firstImage = Json.Parse(generate.Result!).GetProperty("images")[0];
        Assert.Equal(21, firstImage.GetProperty("seed").GetInt64());

        // The final answer carries the inpainted file's path, and that file is the inpaint of the first image.
        var editedPath = Json.Parse(inpaint.Result!).GetProperty("images")[0].GetProperty("path").GetString()!;
        Assert.Contains(editedPath, answer.Content);
        Assert.True(File.Exists(editedPath));
        var metadata = Engine.Imaging.PngCodec.ReadMetadata(File.ReadAllBytes(editedPath))!;
        Assert.Equal("inpaint", metadata.Operation);
        Assert.Equal(22, metadata.Seed);
        Assert.Equal((64, 64), Pixels.SizeOf(editedPath));
        Assert.Equal(2, h.Output.Files.Count(f => f.EndsWith(".png", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AnInputErrorReachesTheModelAsAnErrorItCanCorrect()
    {
        using var h = new KernelHarness();
        var recorder = new RecordingFilter();
        h.Kernel.FunctionInvocationFilters.Add(recorder);
        var seen = new List<JsonElement>();

        var model = new ScriptedChatClient((messages, options) =>
        {
            var results = messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Select(r => Json.Parse(ResultText(r))).ToList();
            seen = results;
            return results.Count switch
            {
                0 => new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call-1", "easel_generate_image", ArgumentsFromJson("""{"prompt": "a cat", "width": 65, "steps": 2}"""))]),
                1 => new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call-2", "easel_generate_image", ArgumentsFromJson("""{"prompt": "a cat", "width": 64, "steps": 2}"""))]),
                _ => new ChatMessage(ChatRole.Assistant, "Saved " + results[1].GetProperty("images")[0].GetProperty("path").GetString()),
            };
        });
        var chat = new ChatClientBuilder(model).UseKernelFunctionInvocation().Build().AsChatCompletionService();
        var history = new ChatHistory();
        history.AddUserMessage("Draw a cat 65 pixels wide.");

        var answer = await chat.GetChatMessageContentAsync(history, new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() }, h.Kernel);

        // The model read what was wrong (not just "Function failed") and its corrected call went through.
        Assert.Equal("width", seen[0].GetProperty("field").GetString());
        Assert.Contains("65 is not a multiple of 8", seen[0].GetProperty("error").GetString());
        Assert.Contains("nearest valid sizes: 64 or 72", seen[0].GetProperty("error").GetString());
        Assert.Equal(2, recorder.Invocations.Count);
        Assert.Null(recorder.Invocations[0].Result);
        Assert.StartsWith("Saved " + h.Output.Path, answer.Content);
        Assert.Single(h.Output.Files);
    }
}
