using Easel.Engine;
using Easel.Engine.Imaging;
using Easel.Engine.Jobs;
using Easel.McpServer.Mcp.Prompts;
using Easel.McpServer.Mcp.Resources;
using Easel.McpServer.Mcp.Tools;
using Easel.Queue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Easel.McpServer.Mcp;

/// <summary>Wires Easel's engine, tools, resources and prompts into an MCP server; shared by stdio, HTTP and tests.</summary>
public static class EaselMcpRegistration
{
    public const string Instructions =
        "Easel generates and edits images locally with diffusion models. generate_image turns a prompt into PNG files; " +
        "restyle_image, inpaint_image, outpaint_image and create_variations edit an image given as a path, file:// URI, " +
        "data URI, base64 or the easel://images/{id} of an earlier result. Results carry a small preview, a resource link " +
        "to the full PNG and its path. compose_prompt writes good prompts; list_models shows the models. For slow runs use " +
        "start_generation, then get_job (wait_seconds up to 50) and cancel_job. make_grid compares variants side by side " +
        "(an X/Y grid and a labelled contact sheet); start_dataset writes a resumable synthetic data set as a job.";

    /// <summary>The engine (one per process: it owns the ONNX sessions) and the background job manager.</summary>
    public static IServiceCollection AddEasel(this IServiceCollection services, EaselOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(sp =>
        {
            var engine = new EaselEngine(options, sp.GetService<ILoggerFactory>());
            RedisJobDispatcher.Attach(engine, sp.GetService<ILoggerFactory>()); // Easel:Queue:Redis: workers run the jobs
            return engine;
        });
        services.AddSingleton(_ => new JobManager());
        services.AddSingleton<ToolRunner>();
        services.AddSingleton<DatasetJobs>();
        if (options.WarmUp) services.AddHostedService<Hosting.EngineWarmUp>();
        return services;
    }

    /// <summary>An MCP server builder with Easel's server info and instructions (add a transport, then <see cref="WithEasel"/>).</summary>
    public static IMcpServerBuilder AddEaselMcpServer(this IServiceCollection services) =>
        services.AddMcpServer(options =>
        {
            options.ServerInfo = new Implementation { Name = "easel", Title = "Easel local image generation", Version = EngineInfo.Version };
            options.ServerInstructions = Instructions;
        });

    public static IMcpServerBuilder WithEasel(this IMcpServerBuilder builder)
    {
        // After the SDK has collected the tools: one schema rule for every tool (see PortableSchema).
        builder.Services.PostConfigure<McpServerOptions>(options =>
        {
            foreach (var tool in options.ToolCollection ?? [])
            {
                tool.ProtocolTool.InputSchema = PortableSchema.Normalize(tool.ProtocolTool.InputSchema);
                if (tool.ProtocolTool.OutputSchema is { } output)
                    tool.ProtocolTool.OutputSchema = PortableSchema.Normalize(output);
            }
        });
        return builder
        .WithTools<ImageTools>(McpJson.Options)
        .WithTools<CatalogTools>(McpJson.Options)
        .WithTools<JobTools>(McpJson.Options)
        .WithTools<GridTools>(McpJson.Options)
        .WithTools<DatasetTools>(McpJson.Options)
        .WithResources<EaselResources>()
        .WithPrompts<WorkflowPrompts>(McpJson.Options)
        .WithListResourcesHandler((context, _) => RecentImageList.ListAsync(context.Services!.GetRequiredService<EaselEngine>()))
        .WithCompleteHandler((context, _) => ValueTask.FromResult(ArgumentCompletions.Complete(context.Services!.GetRequiredService<EaselEngine>(), context.Params)))
        .WithMessageFilters(filters => filters.AddIncomingFilter(RequestShapeFilter.Wrap))
        .WithRequestFilters(filters => filters.AddCallToolFilter(ToolErrorFilter.Wrap));
    }
}
