using Easel.Engine;
using Microsoft.SemanticKernel;

namespace Easel.Plugin;

/// <summary>
/// In an automatic function-calling loop, turns an Easel input error into a tool result the model can read
/// (<c>{"error": "width: 65 is not a multiple of 8 …", "field": "width"}</c>) so it can correct its call. Without it,
/// SK's Microsoft.Extensions.AI path tells the model only "Error: Function failed.". Direct
/// <c>kernel.InvokeAsync</c> calls are not auto invocations and still get the <see cref="KernelException"/>.
/// It also keeps pixels out of the conversation: with <see cref="EaselPluginOptions.ReturnImageContent"/> an image
/// function returns an <see cref="ImageContent"/>, which a connector would serialise (base64 PNG and all) into the
/// tool message; in an automatic loop the model gets the JSON summary instead.
/// </summary>
public sealed class EaselToolErrorFilter : IAutoFunctionInvocationFilter
{
    public async Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
            if (context.Result.GetValue<object>() is ImageContent { Metadata: { } metadata } && metadata.TryGetValue("summary", out var summary) && summary is string json)
                context.Result = new FunctionResult(context.Function, json);
        }
        catch (KernelException ex) when (ex.InnerException is EaselException easel)
        {
            var error = new ToolError(easel.Message, (easel as EaselValidationException)?.Field, easel is EaselBusyException ? true : null);
            context.Result = new FunctionResult(context.Function, ResultJson.Serialize(error));
        }
    }

    private sealed record ToolError(string Error, string? Field, bool? Retry);
}
