using System.Diagnostics;
using Easel.Engine.Imaging;
using Easel.Engine.Onnx;
using Easel.Engine.Schedulers;
using Easel.Engine.Tensors;
using Easel.Engine.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Engine.Pipelines;

/// <summary>How one image's denoising begins: its latents, the step it starts at, and what the operation adds.</summary>
internal sealed record LatentStart(Tensor Latents, int StartIndex, Tensor? ExtraChannels = null, LatentBlend? Blend = null);

/// <summary>Builds the start for image <c>index</c> from its own scheduler and noise stream.</summary>
internal delegate LatentStart LatentStartFactory(IScheduler scheduler, GaussianNoise noise, int index);

internal sealed record PipelineImage(Image<Rgb24> Image, long Seed);

internal sealed record PipelineOutput(IReadOnlyList<PipelineImage> Images, IReadOnlyList<string> Warnings);

/// <summary>
/// Runs a resolved request to images. Text-to-image and every edit share this path; an edit only supplies a
/// <see cref="LatentStartFactory"/>.
/// </summary>
internal static class DiffusionPipeline
{
    public static PipelineOutput Run(
        ResolvedRequest request,
        LatentStartFactory? start,
        Action<GenerationProgress>? progress,
        RunTimings timings,
        List<TimeSpan> stepTimes,
        CancellationToken ct,
        Action<IReadOnlyDictionary<string, InputValue>, CancellationToken>? beforeUnetCall = null,
        int unetBatch = 1)
    {
        var model = request.Model;
        var caps = request.Capabilities;
        var warnings = new List<string>();

        // 1. Encode the prompt (and the negative prompt when classifier-free guidance runs).
        progress?.Invoke(new GenerationProgress("encoding", 0, request.Count, 0, request.Steps));
        var prompt = model.PromptEncoder.Encode(request.Prompt, request.NegativePrompt, request.UsesClassifierFreeGuidance, timings, ct);
        if (prompt.DroppedTokens > 0)
            warnings.Add($"prompt: {prompt.DroppedTokens} tokens beyond what model '{model.Name}' accepts were dropped ({prompt.TokenCount} tokens, {prompt.Chunks} chunk(s) of 75 kept).");
        if (!caps.UsesNegativePrompt && !string.IsNullOrWhiteSpace(request.NegativePrompt))
            warnings.Add($"negative_prompt: ignored, model '{model.Name}' runs without classifier-free guidance.");

        var vae = new VaeCodec(model);
        int latentH = request.Height / caps.VaeScaleFactor, latentW = request.Width / caps.VaeScaleFactor;
        start ??= TextToImageStart(caps.LatentChannels, latentH, latentW,
            caps.IsInpaintModel ? RepaintEverything(vae, request.Width, request.Height, latentH, latentW, timings, ct) : null);

        // Images run in groups of up to `batch` per UNet call; each keeps its own seed, noise stream and scheduler,
        // so a group gives the images sequential runs give.
        int batch = Math.Clamp(unetBatch, 1, request.Count);
        var images = new List<PipelineImage>();
        UnetRunner? unet = null;
        try
        {
            for (int first = 0; first < request.Count; first += batch)
            {
                ct.ThrowIfCancellationRequested();
                int size = Math.Min(batch, request.Count - first);
                // 2–3. Image i: its own noise stream seeded with seed + i, its own scheduler, its starting latents
                // (pure noise for text-to-image, a noised source image for edits).
                var group = new List<(DenoisingLane Lane, LatentStart Begin, long Seed)>();
                for (int i = first; i < first + size; i++)
                {
                    long seed = request.Seed + i;
                    var noise = new GaussianNoise(seed);
                    var scheduler = request.CreateScheduler();
                    var begin = start(scheduler, noise, i);
                    group.Add((new DenoisingLane(scheduler, begin.Latents, noise, begin.Blend), begin, seed));
                }
                // Lanes share one call only when they start at the same step with the same extra channels (always
                // so today: both depend on the request, not the image); otherwise each runs alone.
                bool together = group.All(g => g.Begin.StartIndex == group[0].Begin.StartIndex && ReferenceEquals(g.Begin.ExtraChannels, group[0].Begin.ExtraChannels));
                var runs = together ? new List<List<(DenoisingLane Lane, LatentStart Begin, long Seed)>> { group } : group.Select(g => new List<(DenoisingLane Lane, LatentStart Begin, long Seed)> { g }).ToList();
                foreach (var run in runs)
                {
                    if (unet is null || unet.Images != run.Count)
                    {
                        unet?.Dispose();
                        unet = new UnetRunner(model, prompt, request.Width, request.Height, request.Guidance, request.GuidanceRescale, run.Count)
                        {
                            BeforeCall = beforeUnetCall,
                        };
                    }
                    var begin = run[0].Begin;
                    int index = first + group.IndexOf(run[0]);
                    int steps = run[0].Lane.Scheduler.Timesteps.Count - begin.StartIndex;

                    // 4. Denoise.
                    var clock = Stopwatch.StartNew();
                    DenoisingLoop.Run(unet, run.Select(g => g.Lane).ToList(), begin.StartIndex, begin.ExtraChannels,
                        (step, total) =>
                        {
                            stepTimes.Add(clock.Elapsed);
                            clock.Restart();
                            progress?.Invoke(new GenerationProgress("denoising", index, request.Count, step, total) { Batch = run.Count });
                        },
                        timings, request.Previews,
                        (lane, step, total, estimate) =>
                        {
                            using var preview = vae.Decode(estimate, null, ct);
                            progress?.Invoke(new GenerationProgress("preview", index + lane, request.Count, step, total) { Preview = PngCodec.Encode(preview, null) });
                            clock.Restart(); // preview decoding is not step time
                        },
                        ct);

                    // 5. Decode to pixels.
                    for (int k = 0; k < run.Count; k++)
                    {
                        progress?.Invoke(new GenerationProgress("decoding", index + k, request.Count, steps, steps));
                        images.Add(new PipelineImage(vae.Decode(run[k].Lane.Latents, timings, ct), run[k].Seed));
                    }
                }
            }
        }
        finally
        {
            unet?.Dispose();
        }
        return new PipelineOutput(images, warnings);
    }

    /// <summary>Text-to-image: Gaussian noise scaled by the scheduler's initial sigma, from the first step.</summary>
    private static LatentStartFactory TextToImageStart(int channels, int height, int width, Tensor? extraChannels) => (scheduler, noise, _) =>
    {
        var latents = Tensor.Zeros(1, channels, height, width);
        noise.Fill(latents.Data);
        float sigma = scheduler.InitNoiseSigma;
        for (int k = 0; k < latents.Length; k++) latents.Data[k] *= sigma;
        return new LatentStart(latents, 0, extraChannels);
    };

    /// <summary>Text-to-image on a 9-channel inpaint UNet: the mask covers everything and the masked image is blank.</summary>
    private static Tensor RepaintEverything(VaeCodec vae, int width, int height, int latentH, int latentW, RunTimings timings, CancellationToken ct)
    {
        var blank = Tensor.Zeros(1, 3, height, width); // 0 in [-1, 1] is mid-grey, what diffusers leaves under the mask
        var maskedLatents = vae.TryEncode(blank, timings, ct);
        int h = maskedLatents?.Shape[2] ?? latentH, w = maskedLatents?.Shape[3] ?? latentW;
        var mask = new Tensor(Enumerable.Repeat(1f, h * w).ToArray(), 1, 1, h, w);
        return Tensor.ConcatChannels([mask, maskedLatents ?? Tensor.Zeros(1, 4, h, w)]);
    }
}
