using Easel.Engine;
using Easel.Plugin;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.SemanticKernel;

public static class EaselKernelBuilderExtensions
{
    /// <summary>
    /// One call for a Semantic Kernel app: the Easel engine, <c>ITextToImageService</c>, <c>IImageGenerator</c> and
    /// the "easel" plugin (generate_image, restyle_image, inpaint_image, outpaint_image, create_variations,
    /// list_models, compose_prompt). Options bind from the "Easel" configuration section when the kernel's services
    /// hold an <c>IConfiguration</c>, then EASEL_* environment variables, then <paramref name="configure"/>.
    /// </summary>
    public static IKernelBuilder AddEaselImageGeneration(this IKernelBuilder builder, Action<EaselOptions>? configure = null,
        Action<EaselPluginOptions>? configurePlugin = null, Action<ImageGeneratorBuilder>? configureImageGenerator = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddEasel(configure, configureImageGenerator);
        builder.Services.AddEaselPlugin(configurePlugin);
        return builder;
    }
}
