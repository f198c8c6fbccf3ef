// A Semantic Kernel console app that references only the Easel.Plugin package.
// Usage: SkConsole plugin|text-to-image|agent OUTPUT_DIR   (prints one "IMAGE <path>" line per image)
#pragma warning disable SKEXP0001 // ITextToImageService is experimental in Semantic Kernel
using System.Text.Json;
using Easel.Plugin;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.TextToImage;
// Both SK and MEAI define these content types; this app's chat model speaks MEAI.
using FunctionCallContent = Microsoft.Extensions.AI.FunctionCallContent;
using FunctionResultContent = Microsoft.Extensions.AI.FunctionResultContent;

var scenario = args[0];
var output = args[1];
var builder = Kernel.CreateBuilder();
builder.AddEaselImageGeneration(easel => easel.OutputDirectory = output);

switch (scenario)
{
    case "plugin":
    {
        var kernel = builder.Build();
        var result = await kernel.InvokeAsync("easel", "generate_image", new KernelArguments { ["prompt"] = "a red circle on a blue background", ["seed"] = 7 });
        PrintPaths(result.GetValue<string>()!);
        break;
    }
    case "text-to-image":
    {
        var kernel = builder.Build();
        var images = kernel.GetRequiredService<ITextToImageService>();
        string uri = await images.GenerateImageAsync("a yellow triangle on a purple background", 64, 64, kernel);
        Console.WriteLine($"IMAGE {new Uri(uri).LocalPath}");
        var contents = await images.GetImageContentsAsync(new Microsoft.SemanticKernel.TextContent("a small green ring"),
            new EaselExecutionSettings { Seed = 3, Steps = 10, Count = 2 }, kernel);
        foreach (var image in contents) Console.WriteLine($"IMAGE {image.Uri!.LocalPath}");
        break;
    }
    case "agent":
    {
        // A scripted chat model: first asks for generate_image, then answers with the path it read in the tool result.
        var model = new ScriptedChatClient();
        builder.Services.AddSingleton(new ChatClientBuilder(model).UseKernelFunctionInvocation().Build().AsChatCompletionService());
        var kernel = builder.Build();
        var chat = kernel.GetRequiredService<IChatCompletionService>();
        var history = new ChatHistory("You draw pictures with the easel tools.");
        history.AddUserMessage("Draw a red square.");
        var reply = await chat.GetChatMessageContentAsync(history,
            new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() }, kernel);
        Console.WriteLine($"ASSISTANT {reply.Content}");
        Console.WriteLine($"TOOL_RESULT_CHARS {model.ToolResult?.Length}");
        PrintPaths(model.ToolResult!);
        break;
    }
    default:
        throw new ArgumentException($"unknown scenario {scenario}");
}

static void PrintPaths(string json)
{
    using var doc = JsonDocument.Parse(json);
    foreach (var image in doc.RootElement.GetProperty("images").EnumerateArray())
        Console.WriteLine($"IMAGE {image.GetProperty("path").GetString()}");
}

sealed class ScriptedChatClient : IChatClient
{
    public string? ToolResult { get; private set; }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().LastOrDefault();
        if (result is null)
        {
            var tool = options?.Tools?.OfType<AIFunction>().FirstOrDefault(t => t.Name.EndsWith("generate_image", StringComparison.Ordinal))
                ?? throw new InvalidOperationException("generate_image was not offered to the model");
            var call = new FunctionCallContent("call-1", tool.Name, new Dictionary<string, object?> { ["prompt"] = "a red square on a white background", ["seed"] = 11 });
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, [call])));
        }
        ToolResult = result.Result is JsonElement { ValueKind: JsonValueKind.String } s ? s.GetString() : result.Result?.ToString();
        using var doc = JsonDocument.Parse(ToolResult!);
        var path = doc.RootElement.GetProperty("images")[0].GetProperty("path").GetString();
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, $"Here it is: {path}")));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates()) yield return update;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose() { }
}
