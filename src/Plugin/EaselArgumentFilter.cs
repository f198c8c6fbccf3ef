using System.Reflection;
using Easel.Engine.Vocabulary;
using Microsoft.SemanticKernel;

namespace Easel.Plugin;

/// <summary>
/// Refuses arguments an Easel kernel function does not declare. SK binds only declared parameters and drops the rest,
/// so an OpenAI-style <c>n: 2</c>, <c>size: "512x512"</c> or <c>response_format</c> from a chat model (or a caller)
/// would silently do nothing; MCP, <c>ITextToImageService</c> and <c>IImageGenerator</c> refuse them, and so does this,
/// with the same message (the Easel name to use, or the list of arguments). Applies to the Easel plugin's functions
/// only; others in the kernel are left alone. The refusal is a <see cref="KernelException"/> around an
/// <see cref="Engine.EaselValidationException"/>, which <see cref="EaselToolErrorFilter"/> turns into a tool error
/// the model can read in an automatic function-calling loop.
/// </summary>
public sealed class EaselArgumentFilter : IFunctionInvocationFilter
{
    private static readonly HashSet<string> FunctionNames = typeof(EaselPlugin).GetMethods()
        .Select(m => m.GetCustomAttribute<KernelFunctionAttribute>()?.Name)
        .OfType<string>()
        .ToHashSet(StringComparer.Ordinal);

    private readonly string _pluginName;

    /// <param name="pluginName">The name the Easel plugin was added under (<see cref="EaselPluginOptions.PluginName"/>).</param>
    public EaselArgumentFilter(string pluginName = EaselPlugin.DefaultName) => _pluginName = pluginName;

    public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var function = context.Function;
        if (string.Equals(function.PluginName, _pluginName, StringComparison.Ordinal) && FunctionNames.Contains(function.Name))
        {
            var declared = function.Metadata.Parameters.Select(p => p.Name).ToList();
            // KernelArguments compare names ignoring case, as SK's binding does.
            foreach (var name in context.Arguments.Names)
                if (!declared.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    var refusal = OpenAiAliases.UnknownArgument(name, declared);
                    throw new KernelException(refusal.Message, refusal);
                }
        }
        await next(context).ConfigureAwait(false);
    }
}
