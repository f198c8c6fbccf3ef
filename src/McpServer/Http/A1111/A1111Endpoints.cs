using System.Text.Json;
using Easel.Engine;
using Easel.Engine.Pipelines;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Easel.McpServer.Http.A1111;

/// <summary>
/// The part of AUTOMATIC1111's API that image clients call (Open WebUI, Krita and SillyTavern plugins, scripts):
/// txt2img, img2img, sd-models, samplers, options (checkpoint), progress with a preview, interrupt.
/// </summary>
internal static class A1111Endpoints
{
    public static void Map(WebApplication app, ImageApiHost host)
    {
        var engine = host.Runner.Engine;
        var state = new A1111State(null);
        app.MapPost("/sdapi/v1/txt2img", context => Handle(context, host, () => GenerateAsync(context, host, state, img2img: false)));
        app.MapPost("/sdapi/v1/img2img", context => Handle(context, host, () => GenerateAsync(context, host, state, img2img: true)));
        app.MapGet("/sdapi/v1/sd-models", context => Handle(context, host, () => context.Response.WriteAsJsonAsync(engine.ListModels().Select(m => new
        {
            title = m.Name,
            model_name = m.Name,
            hash = (string?)null,
            sha256 = (string?)null,
            filename = m.Path,
            config = (string?)null,
        }).ToList())));
        app.MapGet("/sdapi/v1/samplers", context => Handle(context, host, () => context.Response.WriteAsJsonAsync(A1111Samplers.All.Select(s => new
        {
            name = s.Name,
            aliases = s.Aliases,
            options = s.Scheduler == Engine.Schedulers.SchedulerFactory.DpmPlusPlus2MKarras ? new Dictionary<string, string> { ["scheduler"] = "karras" } : [],
        }).ToList())));
        app.MapGet("/sdapi/v1/options", context => Handle(context, host, () => context.Response.WriteAsJsonAsync(new
        {
            sd_model_checkpoint = state.Checkpoint ?? engine.ListModels().FirstOrDefault(m => m.IsDefault)?.Name,
            samples_format = "png",
            show_progress_every_n_steps = host.Settings.A1111Previews > 0 ? 1 : -1,
        })));
        app.MapPost("/sdapi/v1/options", context => Handle(context, host, async () =>
        {
            var fields = await ApiFields.FromJsonAsync(context.Request, context.RequestAborted);
            if (fields.String("sd_model_checkpoint") is { Length: > 0 } title)
            {
                var name = ModelOfTitle(title);
                engine.Models.Get(name); // unknown → 404 naming the known models
                state.Checkpoint = name;
            }
            await context.Response.WriteAsJsonAsync<object?>(null);
        }));
        app.MapGet("/sdapi/v1/progress", context => Handle(context, host, () =>
            context.Response.WriteAsJsonAsync(Progress(state, context.Request.Query["skip_current_image"] == "true"))));
        app.MapPost("/sdapi/v1/interrupt", context => Handle(context, host, () =>
        {
            state.Interrupt();
            return context.Response.WriteAsJsonAsync(new { });
        }));
    }

    /// <summary>A1111 titles look like "name.safetensors [hash]"; Easel's are the model name. Either selects by name.</summary>
    public static string ModelOfTitle(string title)
    {
        var name = title.Trim();
        int bracket = name.IndexOf(" [", StringComparison.Ordinal);
        if (bracket > 0) name = name[..bracket];
        foreach (var extension in new[] { ".safetensors", ".ckpt" })
            if (name.EndsWith(extension, StringComparison.OrdinalIgnoreCase)) name = name[..^extension.Length];
        return name;
    }

    private static Task Handle(HttpContext context, ImageApiHost host, Func<Task> handler) =>
        host.HandleAsync(context, A1111Errors.WriteAsync, A1111Errors.Status, A1111Errors.Parameters, handler);

    private static async Task GenerateAsync(HttpContext context, ImageApiHost host, A1111State state, bool img2img)
    {
        var fields = await ApiFields.FromJsonAsync(context.Request, context.RequestAborted);
        var call = A1111Call.Parse(fields, img2img, state.Checkpoint, host.Settings.A1111Previews);
        var engine = host.Runner.Engine;
        var job = state.Begin(call.Kind, call.Generation.Count, context.RequestAborted);
        GenerationResult? result = null;
        try
        {
            string route = "/sdapi/v1/" + call.Kind;
            result = call.Edit is { } edit
                ? await host.Runner.RunAsync(route, (p, c) => engine.EditAsync(call.Operation!.Value, edit, p, c), job.Report, job.Cancellation.Token)
                : await host.Runner.RunAsync(route, (p, c) => engine.GenerateAsync(call.Generation, p, c), job.Report, job.Cancellation.Token);
        }
        catch (OperationCanceledException) when (job.Interrupted && !context.RequestAborted.IsCancellationRequested)
        {
            // As A1111: an interrupted run still answers 200, with what it had (here the latest preview, if any).
        }
        finally
        {
            state.End(job);
        }
        if (result is not null) ImageApiHost.AddServerTiming(context.Response, [result]);
        await context.Response.WriteAsJsonAsync(Response(call, result, job), context.RequestAborted);
    }

    private static object Response(A1111Call call, GenerationResult? result, A1111Job job)
    {
        var images = result?.Images ?? [];
        var encoded = !call.SendImages ? []
            : result is not null ? images.Select(i => Convert.ToBase64String(File.ReadAllBytes(i.Path))).ToList()
            : job.Preview is { } preview ? [Convert.ToBase64String(preview)] : new List<string>();
        var seeds = Enumerable.Range(0, call.Generation.Count).Select(i => call.Generation.Seed!.Value + i).ToList();
        var first = images.Count > 0 ? images[0].Metadata : null;
        int width = first?.Width ?? call.Generation.Width ?? 0, height = first?.Height ?? call.Generation.Height ?? 0;
        int steps = first?.Steps ?? call.Generation.Steps ?? job.Steps;
        double cfg = first?.Guidance ?? call.Generation.Guidance ?? 0;
        string sampler = first is null ? call.SamplerName ?? "" : Engine.Imaging.ImageMetadata.SamplerDisplayName(first.Scheduler);
        double? strength = call.Edit?.Strength;
        var parameters = new Dictionary<string, object?>
        {
            ["prompt"] = call.Generation.Prompt,
            ["negative_prompt"] = call.Generation.NegativePrompt ?? "",
            ["seed"] = call.RequestedSeed,
            ["sampler_name"] = sampler,
            ["batch_size"] = call.BatchSize,
            ["n_iter"] = call.Iterations,
            ["steps"] = steps,
            ["cfg_scale"] = cfg,
            ["width"] = width,
            ["height"] = height,
            ["denoising_strength"] = strength,
            ["send_images"] = call.SendImages,
            ["save_images"] = false,
        };
        if (call.Edit is not null)
        {
            // As A1111 with include_init_images false: the inputs are not echoed back.
            parameters["init_images"] = null;
            parameters["mask"] = null;
        }
        var info = new Dictionary<string, object?>
        {
            ["prompt"] = call.Generation.Prompt,
            ["all_prompts"] = seeds.Select(_ => call.Generation.Prompt).ToList(),
            ["negative_prompt"] = call.Generation.NegativePrompt ?? "",
            ["all_negative_prompts"] = seeds.Select(_ => call.Generation.NegativePrompt ?? "").ToList(),
            ["seed"] = seeds[0],
            ["all_seeds"] = seeds,
            ["subseed"] = -1,
            ["all_subseeds"] = seeds.Select(_ => -1).ToList(),
            ["subseed_strength"] = 0,
            ["width"] = width,
            ["height"] = height,
            ["sampler_name"] = sampler,
            ["cfg_scale"] = cfg,
            ["steps"] = steps,
            ["batch_size"] = call.BatchSize,
            ["restore_faces"] = false,
            ["sd_model_name"] = result?.Model ?? call.Generation.Model,
            ["sd_model_hash"] = null,
            ["denoising_strength"] = strength,
            ["extra_generation_params"] = new Dictionary<string, object?>(),
            ["index_of_first_image"] = 0,
            ["infotexts"] = images.Select(i => i.Metadata.ToA1111Parameters()).ToList(),
            ["styles"] = Array.Empty<string>(),
            ["job_timestamp"] = job.Timestamp,
            ["clip_skip"] = 1,
            ["is_using_inpainting_conditioning"] = false,
            ["version"] = "Easel " + Engine.Imaging.EngineInfo.Version,
            ["interrupted"] = job.Interrupted,
            ["warnings"] = call.Warnings.Concat(result?.Warnings ?? []).ToList(),
        };
        return new { images = encoded, parameters, info = JsonSerializer.Serialize(info) };
    }

    private static object Progress(A1111State state, bool skipImage)
    {
        var job = state.Current();
        var shown = job ?? state.Last();
        double progress = job?.Progress ?? 0;
        double elapsed = job is null ? 0 : (DateTimeOffset.UtcNow - job.Started).TotalSeconds;
        return new
        {
            progress,
            eta_relative = progress > 0 ? elapsed / progress - elapsed : 0,
            state = new
            {
                skipped = false,
                interrupted = shown?.Interrupted ?? false,
                stopping_generation = false,
                job = job is null ? "" : job.Kind,
                job_count = job is null ? 0 : 1,
                job_timestamp = shown?.Timestamp ?? "0",
                job_no = job?.Image ?? 0,
                sampling_step = shown?.Step ?? 0,
                sampling_steps = shown?.Steps ?? 0,
            },
            current_image = skipImage || job?.Preview is not { } preview ? null : Convert.ToBase64String(preview),
            textinfo = job is null ? null : job.Queued ? "Waiting for a worker" : $"Image {job.Image + 1}/{job.Images}, step {job.Step}/{job.Steps}",
        };
    }
}
