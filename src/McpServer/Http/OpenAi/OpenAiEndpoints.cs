using System.Text.Json;
using System.Threading.Channels;
using Easel.Engine;
using Easel.Engine.Pipelines;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Easel.McpServer.Http.OpenAi;

/// <summary>
/// The OpenAI Images API over <see cref="EaselEngine"/>: generations, edits, variations (JSON or server-sent events),
/// signed result links and the model list, with OpenAI's error object.
/// </summary>
internal static class OpenAiEndpoints
{
    public static void Map(WebApplication app, ImageApiHost host)
    {
        app.MapPost("/v1/images/generations", context => Handle(context, host, async () =>
            await RespondAsync(context, host, OpenAiImageCall.Generate(await ApiFields.FromJsonAsync(context.Request, context.RequestAborted)))));
        app.MapPost("/v1/images/edits", context => Handle(context, host, async () =>
            await RespondAsync(context, host, await OpenAiImageCall.EditAsync(await ApiFields.FromFormAsync(context.Request, context.RequestAborted), host.Runner.Engine, context.RequestAborted))));
        app.MapPost("/v1/images/variations", context => Handle(context, host, async () =>
            await RespondAsync(context, host, await OpenAiImageCall.VaryAsync(await ApiFields.FromFormAsync(context.Request, context.RequestAborted), host.Runner.Engine, context.RequestAborted))));
        app.MapGet(SignedImageUrls.RoutePrefix + "/{file}", (HttpContext context, string file) => Handle(context, host, () => FileAsync(context, host, file)));
        app.MapGet("/v1/models", context => Handle(context, host, () => context.Response.WriteAsJsonAsync(new
        {
            @object = "list",
            data = host.Runner.Engine.ListModels().Select(Model).ToList(),
        })));
        app.MapGet("/v1/models/{id}", (HttpContext context, string id) => Handle(context, host, () =>
        {
            var models = host.Runner.Engine.ListModels();
            var model = models.FirstOrDefault(m => string.Equals(m.Name, id, StringComparison.OrdinalIgnoreCase))
                ?? throw new EaselException($"model: unknown model '{id}'. Known models: {string.Join(", ", models.Select(m => m.Name))}.");
            return context.Response.WriteAsJsonAsync(Model(model));
        }));
        app.MapFallback("/v1/{**rest}", context => OpenAiErrors.WriteAsync(context, StatusCodes.Status404NotFound,
            new ApiProblem(ApiProblemKind.NotFound, $"Invalid URL ({context.Request.Method} {context.Request.Path}): Easel serves /v1/images/generations, /v1/images/edits, /v1/images/variations and /v1/models.", null)));
    }

    private static Task Handle(HttpContext context, ImageApiHost host, Func<Task> handler) =>
        host.HandleAsync(context, OpenAiErrors.WriteAsync, OpenAiErrors.Status, OpenAiErrors.Parameters, handler);

    private static object Model(ModelInfo model) => new
    {
        id = model.Name,
        @object = "model",
        created = Directory.Exists(model.Path) ? new DateTimeOffset(Directory.GetLastWriteTimeUtc(model.Path)).ToUnixTimeSeconds() : 0,
        owned_by = "easel",
    };

    private static async Task RespondAsync(HttpContext context, ImageApiHost host, OpenAiImageCall call)
    {
        if (call.Stream)
        {
            await StreamAsync(context, host, call).ConfigureAwait(false);
            return;
        }
        long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var results = await RunAsync(host, call, null, context.RequestAborted).ConfigureAwait(false);
        var baseUrl = ImageApiHost.BaseUrl(context.Request);
        var first = results.SelectMany(r => r.Images).FirstOrDefault();
        ImageApiHost.AddServerTiming(context.Response, results);
        await context.Response.WriteAsJsonAsync(new Dictionary<string, object?>
        {
            ["created"] = created,
            ["data"] = results.SelectMany(r => r.Images).Select(image => Item(host, call, image, baseUrl)).ToList(),
            ["output_format"] = call.OutputFormat,
            ["size"] = first is null ? null : $"{first.Width}x{first.Height}",
            ["easel"] = Extension(results),
        }, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Runs the call: one engine request for text-to-image, one per source image for edits and variations.</summary>
    private static async Task<List<GenerationResult>> RunAsync(ImageApiHost host, OpenAiImageCall call, Action<GenerationProgress>? onProgress, CancellationToken ct)
    {
        var engine = host.Runner.Engine;
        if (call.Operation is not { } operation)
            return [await host.Runner.RunAsync(call.Route, (p, c) => engine.GenerateAsync(call.Generation, p, c), onProgress, ct).ConfigureAwait(false)];
        var results = new List<GenerationResult>();
        foreach (var image in call.Images)
        {
            var edit = new EditRequest
            {
                Generation = call.Generation,
                Image = ImageInput.FromBytes(image),
                Mask = call.Mask is null ? null : ImageInput.FromBytes(call.Mask),
                Strength = call.Strength,
            };
            results.Add(await host.Runner.RunAsync(call.Route, (p, c) => engine.EditAsync(operation, edit, p, c), onProgress, ct).ConfigureAwait(false));
        }
        return results;
    }

    private static Dictionary<string, object?> Item(ImageApiHost host, OpenAiImageCall call, GeneratedImage image, string baseUrl)
    {
        var item = new Dictionary<string, object?>();
        if (call.ResponseFormat == "url") item["url"] = host.Urls.Create(baseUrl, image.Id, call.OutputFormat);
        else item["b64_json"] = Encode(call, File.ReadAllBytes(image.Path));
        // Variations take the prompt embedded in an Easel PNG: that is the prompt the image was made from.
        if (image.Metadata.Prompt != call.Generation.Prompt) item["revised_prompt"] = image.Metadata.Prompt;
        item["seed"] = image.Seed;
        return item;
    }

    /// <summary>Easel's extension of the response: enough to reproduce or find each result.</summary>
    private static object Extension(List<GenerationResult> results) => new
    {
        model = results.FirstOrDefault()?.Model,
        images = results.SelectMany(r => r.Images).Select(i => new { id = i.Id, seed = i.Seed, steps = i.Metadata.Steps, guidance_scale = i.Metadata.Guidance, scheduler = i.Metadata.Scheduler }).ToList(),
        warnings = results.SelectMany(r => r.Warnings).Distinct().ToList(),
    };

    private static string Encode(OpenAiImageCall call, byte[] png) => Convert.ToBase64String(ImageFormats.Convert(png, call.OutputFormat, call.Compression));

    /// <summary>
    /// <c>stream: true</c>: <c>{prefix}.partial_image</c> events with the decoded x0 estimate during denoising, then one
    /// <c>{prefix}.completed</c> per image. Nothing is sent before the first event, so a request the engine refuses
    /// still gets a plain JSON error; a failure after that arrives as an <c>error</c> event.
    /// </summary>
    private static async Task StreamAsync(HttpContext context, ImageApiHost host, OpenAiImageCall call)
    {
        var ct = context.RequestAborted;
        var events = Channel.CreateUnbounded<(string Type, Dictionary<string, object?> Data)>(new UnboundedChannelOptions { SingleReader = true });
        int partialIndex = 0;
        void OnProgress(GenerationProgress progress)
        {
            if (progress.Preview is not { } png) return;
            var data = Event(call, $"{call.EventPrefix}.partial_image", png);
            data["partial_image_index"] = partialIndex++;
            data["easel"] = new { image = progress.Image, step = progress.Step, steps = progress.Steps };
            events.Writer.TryWrite((data["type"]!.ToString()!, data));
        }

        var run = RunAsync(host, call, OnProgress, ct);
        _ = run.ContinueWith(_ => events.Writer.TryComplete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await foreach (var (type, data) in events.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            await WriteEventAsync(context, type, data).ConfigureAwait(false);

        List<GenerationResult> results;
        try
        {
            results = await run.ConfigureAwait(false);
        }
        catch (Exception ex) when (context.Response.HasStarted && !ct.IsCancellationRequested)
        {
            var problem = host.Problem(ex, OpenAiErrors.Parameters);
            await WriteEventAsync(context, "error", OpenAiErrors.Body(OpenAiErrors.Status(problem.Kind), problem)).ConfigureAwait(false);
            return;
        }
        foreach (var image in results.SelectMany(r => r.Images))
        {
            var data = Event(call, $"{call.EventPrefix}.completed", File.ReadAllBytes(image.Path));
            data["size"] = $"{image.Width}x{image.Height}";
            data["seed"] = image.Seed;
            if (image.Metadata.Prompt != call.Generation.Prompt) data["revised_prompt"] = image.Metadata.Prompt;
            await WriteEventAsync(context, $"{call.EventPrefix}.completed", data).ConfigureAwait(false);
        }
    }

    private static Dictionary<string, object?> Event(OpenAiImageCall call, string type, byte[] png) => new()
    {
        ["type"] = type,
        ["b64_json"] = Encode(call, png),
        ["created_at"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["size"] = call.Generation.Width is { } w && call.Generation.Height is { } h ? $"{w}x{h}" : "auto",
        ["quality"] = "auto",
        ["background"] = "opaque",
        ["output_format"] = call.OutputFormat,
    };

    private static async Task WriteEventAsync(HttpContext context, string type, object data)
    {
        if (!context.Response.HasStarted)
        {
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
        }
        await context.Response.WriteAsync($"event: {type}\ndata: {JsonSerializer.Serialize(data)}\n\n", context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>A signed result link: checked, then the stored image in the format the link names.</summary>
    private static async Task FileAsync(HttpContext context, ImageApiHost host, string file)
    {
        int dot = file.LastIndexOf('.');
        string id = dot > 0 ? file[..dot] : file, format = dot > 0 ? file[(dot + 1)..] : "";
        if (!ImageFormats.Names.Contains(format))
            throw new ApiStatusException(StatusCodes.Status404NotFound, $"'{file}' is not an image link this server made.");
        if (host.Urls.Problem(id, format, context.Request.Query["expires"], context.Request.Query["signature"]) is { } problem)
            throw new ApiStatusException(StatusCodes.Status403Forbidden, problem);
        var stored = host.Runner.Engine.Store.Find(id)
            ?? throw new ApiStatusException(StatusCodes.Status404NotFound, $"image '{id}' is no longer in the output folder.");
        var bytes = ImageFormats.Convert(await File.ReadAllBytesAsync(stored.Path, context.RequestAborted).ConfigureAwait(false), format);
        context.Response.ContentType = ImageFormats.MediaType(format);
        context.Response.Headers.CacheControl = "private, max-age=3600";
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }
}
