// Easel + Semantic Kernel: a chat agent that draws with a local diffusion model.
//
// The chat model is any OpenAI-compatible endpoint (a local Ollama or LM Studio, or OpenAI itself):
//   EASEL_CHAT_ENDPOINT  default http://localhost:11434/v1 (Ollama; LM Studio is http://localhost:1234/v1)
//   EASEL_CHAT_MODEL     default llama3.1 (any model with tool calling)
//   EASEL_CHAT_API_KEY   default "unused" (local servers ignore it)
// Easel reads the "Easel" configuration section, here from environment variables such as
// Easel__ModelsPath, Easel__DefaultModel, Easel__OutputDirectory (plus EASEL_MODELS, EASEL_OUTPUT_DIR, ...).
//
//   dotnet run --project samples/SemanticKernelChat                       chat (type "exit" to quit)
//   dotnet run --project samples/SemanticKernelChat -- "draw a red fox"   one request, then exit
//   dotnet run --project samples/SemanticKernelChat -- --no-chat "a fox"  call generate_image directly, no chat model
using System.ClientModel;
using Easel.Plugin;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using OpenAI;

static string Env(string name, string fallback) =>
    Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;

var builder = Kernel.CreateBuilder();
builder.Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddEnvironmentVariables().Build());
builder.AddEaselImageGeneration(); // engine, ITextToImageService, IImageGenerator and the "easel" plugin

// SK's function-invoking wrapper runs the plugin's functions whenever the model asks for them.
var endpoint = Env("EASEL_CHAT_ENDPOINT", "http://localhost:11434/v1");
var openAi = new OpenAIClient(new ApiKeyCredential(Env("EASEL_CHAT_API_KEY", "unused")), new OpenAIClientOptions { Endpoint = new Uri(endpoint) });
IChatClient chatModel = openAi.GetChatClient(Env("EASEL_CHAT_MODEL", "llama3.1")).AsIChatClient();
builder.Services.AddSingleton(new ChatClientBuilder(chatModel).UseKernelFunctionInvocation().Build().AsChatCompletionService());

var kernel = builder.Build();

if (args is ["--no-chat", .. var words])
{
    var prompt = words.Length > 0 ? string.Join(' ', words) : "a lighthouse on a cliff at sunset";
    var result = await kernel.InvokeAsync(EaselPlugin.DefaultName, "generate_image", new() { ["prompt"] = prompt });
    Console.WriteLine(result.GetValue<string>());
    return;
}

var chat = kernel.GetRequiredService<IChatCompletionService>();
var history = new ChatHistory(
    "You are an illustrator with local image tools. Use compose_prompt to write good prompts, generate_image to draw, " +
    "and restyle_image, inpaint_image, outpaint_image or create_variations to edit earlier results by their id. " +
    "Always tell the user the file path of each image you make.");
var settings = new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };

async Task AskAsync(string text)
{
    history.AddUserMessage(text);
    try
    {
        var reply = await chat.GetChatMessageContentAsync(history, settings, kernel);
        history.Add(reply);
        Console.WriteLine($"assistant> {reply.Content}");
    }
    catch (Exception ex) when (ex is ClientResultException or HttpRequestException or AggregateException { InnerException: ClientResultException })
    {
        history.RemoveAt(history.Count - 1);
        Console.Error.WriteLine($"The chat model at {endpoint} did not answer: {(ex.InnerException ?? ex).Message}");
        Console.Error.WriteLine("Start Ollama or LM Studio, or set EASEL_CHAT_ENDPOINT / EASEL_CHAT_MODEL / EASEL_CHAT_API_KEY.");
        Environment.ExitCode = 1;
    }
}

if (args.Length > 0)
{
    await AskAsync(string.Join(' ', args));
    return;
}

Console.WriteLine("Ask for a picture (\"exit\" quits).");
while (Console.ReadLine() is { } line && line.Trim() != "exit")
    if (line.Trim().Length > 0) await AskAsync(line);
