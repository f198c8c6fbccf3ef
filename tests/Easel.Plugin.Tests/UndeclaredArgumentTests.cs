using System.Text.Json;
using Easel.Engine;
using Easel.Testing;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using FunctionCallContent = Microsoft.Extensions.AI.FunctionCallContent;
using FunctionResultContent = Microsoft.Extensions.AI.FunctionResultContent;

namespace Easel.Plugin.Tests;

/// <summary>
/// SK binds only declared parameters; <see cref="EaselArgumentFilter"/> (added by the registration) makes the Easel
/// functions refuse the rest — OpenAI's n/size/response_format with the Easel name, anything else with the list of
/// arguments — instead of silently generating something else.
/// </summary>
public sealed class UndeclaredArgumentTests
{
    [Theory]
    [InlineData("n", 2, "'count'")]
    [InlineData("size", "64x64", "'width' and 'height'")]
    [InlineData("response_format", "b64_json", "easel://images/{id}")]
    [InlineData("colour", "red", "unknown argument. Arguments: prompt, negative_prompt, width, height, steps, guidance, seed, count, model, scheduler.")]
    public async Task A_direct_kernel_invocation_with_an_undeclared_argument_is_refused_before_any_work(string name, object value, string told)
    {
        using var h = new KernelHarness();
        var ex = await Assert.ThrowsAsync<KernelException>(() =>
            h.InvokeAsync("generate_image", new KernelArguments { ["prompt"] = "two dots", ["steps"] = 2, [name] = value }).Within("generate_image"));
        var validation = Assert.IsType<EaselValidationException>(ex.InnerException);
        Assert.Equal(name, validation.Field);
        Assert.StartsWith(name + ": ", ex.Message);
        Assert.Contains(told, ex.Message);
        Assert.Empty(h.Output.Files);
    }

    [Fact]
    public async Task The_message_is_the_one_MCP_gives_for_the_same_argument()
    {
        using var h = new KernelHarness();
        var ex = await Assert.ThrowsAsync<KernelException>(() =>
            h.InvokeAsync("create_variations", new KernelArguments { ["image"] = "x.png", ["n"] = 3 }).Within("create_variations"));
        var declared = h.Kernel.Plugins[EaselPlugin.DefaultName]["create_variations"].Metadata.Parameters.Select(p => p.Name);
        Assert.Equal(Engine.Vocabulary.OpenAiAliases.UnknownArgument("n", declared).Message, ex.Message);
        Assert.Contains("Arguments: image, count, strength", ex.Message);
    }

    [Fact]
    public async Task Declared_arguments_in_another_case_still_bind_and_pass()
    {
        using var h = new KernelHarness();
        var json = await h.InvokeJsonAsync("generate_image", new KernelArguments { ["Prompt"] = "a dot", ["STEPS"] = 2, ["seed"] = 4 });
        Assert.Equal(4, json.GetProperty("images")[0].GetProperty("seed").GetInt64());
    }

    [Fact]
    public async Task Under_a_custom_plugin_name_the_functions_still_refuse_and_other_plugins_are_left_alone()
    {
        using var h = new KernelHarness(plugin: p => p.PluginName = "painter");
        h.Kernel.Plugins.AddFromFunctions("other", [KernelFunctionFactory.CreateFromMethod((string text) => text.ToUpperInvariant(), "shout")]);

        var ex = await Assert.ThrowsAsync<KernelException>(() =>
            h.Kernel.InvokeAsync("painter", "generate_image", new KernelArguments { ["prompt"] = "x", ["n"] = 2 }).Within("painter.generate_image"));
        Assert.Equal("n", Assert.IsType<EaselValidationException>(ex.InnerException).Field);

        // A function that is not Easel's keeps SK's usual binding (extra arguments ignored).
        var shouted = await h.Kernel.InvokeAsync<string>("other", "shout", new KernelArguments { ["text"] = "hi", ["n"] = 2 }).Within("other.shout");
        Assert.Equal("HI", shouted);
        Assert.Empty(h.Output.Files);
    }

    [Fact]
    public async Task In_auto_function_calling_the_model_is_told_the_easel_name_and_its_corrected_call_goes_through()
    {
        using var h = new KernelHarness();
        var seen = new List<JsonElement>();
        var model = new ScriptedChatClient((messages, options) =>
        {
            var results = messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Select(r => Json.Parse(ResultText(r))).ToList();
            seen = results;
            return results.Count switch
            {
                0 => new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call-1", "easel_generate_image",
                    JsonSerializer.Deserialize<Dictionary<string, object?>>("""{"prompt": "two cats", "n": 2, "size": "64x64", "steps": 2}"""))]),
                1 => new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call-2", "easel_generate_image",
                    JsonSerializer.Deserialize<Dictionary<string, object?>>("""{"prompt": "two cats", "count": 2, "width": 64, "height": 64, "steps": 2}"""))]),
                _ => new ChatMessage(ChatRole.Assistant, $"Made {results[1].GetProperty("images").GetArrayLength()} images."),
            };
        });
        var chat = new ChatClientBuilder(model).UseKernelFunctionInvocation().Build().AsChatCompletionService();
        var history = new ChatHistory();
        history.AddUserMessage("Two cats, 64x64.");

        var answer = await chat.GetChatMessageContentAsync(history, new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() }, h.Kernel)
            .Within("the agent loop");

        // The first call was refused naming the first undeclared argument and Easel's name for it; nothing was made.
        Assert.Equal("n", seen[0].GetProperty("field").GetString());
        Assert.Contains("Easel calls it 'count'", seen[0].GetProperty("error").GetString());
        // The corrected call made the two images the user asked for (not one, as a dropped n would have).
        Assert.Equal("Made 2 images.", answer.Content);
        Assert.Equal(2, h.Output.Files.Count(f => f.EndsWith(".png", StringComparison.Ordinal)));
    }

    private static string ResultText(FunctionResultContent result) => result.Result switch
    {
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString()!,
        var other => other?.ToString() ?? "",
    };
}
