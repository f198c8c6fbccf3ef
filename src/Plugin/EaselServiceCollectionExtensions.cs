using Easel.Engine;
using Easel.Plugin;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.TextToImage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Easel in a service collection: one engine shared by every surface.</summary>
public static class EaselServiceCollectionExtensions
{
    /// <summary>The configuration section <see cref="EaselOptions"/> bind from ("Easel:Plugin" for <see cref="EaselPluginOptions"/>).</summary>
    public const string ConfigurationSection = EaselConfiguration.SectionName;

    /// <summary>
    /// Registers one <see cref="EaselEngine"/> singleton and, over it, <see cref="EaselImageGenerator"/> as
    /// <see cref="IImageGenerator"/>, <see cref="EaselTextToImageService"/> as <see cref="ITextToImageService"/>, and
    /// <see cref="EaselPlugin"/>. Options come from the "Easel" configuration section (when an <see cref="IConfiguration"/>
    /// is registered), then EASEL_* environment variables, then <paramref name="configure"/>.
    /// <paramref name="configureImageGenerator"/> adds middleware to the IImageGenerator pipeline, e.g.
    /// <c>g => g.UseLogging().UseOpenTelemetry()</c>. Calling it again adds configuration, never a second engine.
    /// </summary>
    public static IServiceCollection AddEasel(this IServiceCollection services, Action<EaselOptions>? configure = null,
        Action<ImageGeneratorBuilder>? configureImageGenerator = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        bool first = !services.Any(d => d.ServiceType == typeof(EaselRegistration));
        if (first)
        {
            services.AddSingleton<EaselRegistration>();
            // ILoggerFactory for the engine, the plugin and UseLogging() middleware, also in a bare ServiceCollection or
            // Kernel.CreateBuilder() (TryAdd inside: an app's own logging wins).
            services.AddLogging();
            services.AddOptions<EaselOptions>().Configure<IServiceProvider>((options, sp) =>
            {
                var configuration = new ConfigurationBuilder();
                if (sp.GetService<IConfiguration>() is { } app) configuration.AddConfiguration(app);
                EaselConfiguration.Bind(configuration.AddEaselEnvironmentVariables().Build(), options);
            });
            services.AddOptions<EaselPluginOptions>().Configure<IServiceProvider>((options, sp) =>
                sp.GetService<IConfiguration>()?.GetSection(ConfigurationSection + ":Plugin").Bind(options));

            services.TryAddSingleton(sp =>
            {
                var engine = new EaselEngine(sp.GetRequiredService<IOptions<EaselOptions>>().Value, sp.GetService<ILoggerFactory>());
                Easel.Queue.RedisJobDispatcher.Attach(engine, sp.GetService<ILoggerFactory>()); // Easel:Queue:Redis: workers run the jobs
                return engine;
            });
            services.TryAddSingleton(sp => new EaselPlugin(sp.GetRequiredService<EaselEngine>(), sp.GetRequiredService<IOptions<EaselPluginOptions>>().Value));
            services.TryAddSingleton(sp => new EaselTextToImageService(sp.GetRequiredService<EaselEngine>()));
            services.TryAddSingleton(sp => new EaselImageGenerator(sp.GetRequiredService<EaselEngine>()));
            services.AddSingleton<ITextToImageService>(sp => sp.GetRequiredService<EaselTextToImageService>());
        }
        if (configure is not null) services.Configure(configure);
        if (first || configureImageGenerator is not null)
        {
            // Added last, so this pipeline is the IImageGenerator callers resolve.
            var builder = services.AddImageGenerator(sp => sp.GetRequiredService<EaselImageGenerator>());
            configureImageGenerator?.Invoke(builder);
        }
        return services;
    }

    /// <summary>
    /// Registers the Easel functions as a <see cref="KernelPlugin"/> (named "easel" unless
    /// <see cref="EaselPluginOptions.PluginName"/> says otherwise) for kernels built from this collection, with
    /// <see cref="EaselToolErrorFilter"/> so agents see input errors and <see cref="EaselArgumentFilter"/> so arguments
    /// the functions do not declare (e.g. OpenAI's <c>n</c>) are refused, not dropped; calls <see cref="AddEasel"/> first if needed.
    /// </summary>
    public static IServiceCollection AddEaselPlugin(this IServiceCollection services, Action<EaselPluginOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(d => d.ServiceType == typeof(EaselRegistration))) services.AddEasel();
        if (configure is not null) services.Configure(configure);
        if (!services.Any(d => d.ServiceType == typeof(EaselPluginRegistration)))
        {
            services.AddSingleton<EaselPluginRegistration>();
            services.AddSingleton<IAutoFunctionInvocationFilter, EaselToolErrorFilter>();
            services.AddSingleton<IFunctionInvocationFilter>(sp => new EaselArgumentFilter(sp.GetRequiredService<IOptions<EaselPluginOptions>>().Value.PluginName));
            services.AddSingleton(sp => KernelPluginFactory.CreateFromObject(sp.GetRequiredService<EaselPlugin>(),
                sp.GetRequiredService<IOptions<EaselPluginOptions>>().Value.PluginName, sp.GetService<ILoggerFactory>()));
        }
        return services;
    }

    private sealed class EaselRegistration;

    private sealed class EaselPluginRegistration;
}
