using Easel.Engine.Imaging;
using Easel.Engine.Models;
using Easel.Engine.Onnx;
using Easel.Engine.Tensors;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Engine.Pipelines;

public enum EditOperation { Restyle, Inpaint, Outpaint, Variations }

/// <summary>What an edit adds to the shared pipeline: its starting latents, and a pixel composite at the end.</summary>
internal sealed record EditPlan(LatentStartFactory Start, Func<PipelineImage, PipelineImage>? Finish);

/// <summary>
/// Everything an edit decides before it queues (cheap, and where bad input is refused): the target size, the source
/// fitted to it, the repaint mask and the composite mask. <see cref="Plan"/> then does the model work (VAE encode).
/// </summary>
internal sealed class EditSetup : IDisposable
{
    public const int MaxMaskPixels = 64;

    private EditSetup(EditOperation operation, Image<Rgb24> source, double strength, string sourceHash)
    {
        Operation = operation;
        Source = source;
        Strength = strength;
        SourceHashes.Add(sourceHash);
    }

    public EditOperation Operation { get; }
    /// <summary>The source at the target size (outpaint: the extended canvas).</summary>
    public Image<Rgb24> Source { get; private set; }
    public double Strength { get; }
    public Mask? RepaintMask { get; private set; }
    public Mask? CompositeMask { get; private set; }
    public List<string> Warnings { get; } = [];
    public List<string> SourceHashes { get; } = [];
    public Dictionary<string, string> Details { get; } = [];
    public string? EmbeddedPrompt { get; private set; }
    public int Width => Source.Width;
    public int Height => Source.Height;

    public static string OperationName(EditOperation op) => op switch
    {
        EditOperation.Restyle => "img2img",
        EditOperation.Inpaint => "inpaint",
        EditOperation.Outpaint => "outpaint",
        _ => "variation",
    };

    public static double DefaultStrength(EditOperation op) => op switch
    {
        EditOperation.Restyle => 0.75,
        EditOperation.Variations => 0.6,
        EditOperation.Inpaint => 1.0,
        _ => 0.85,
    };

    public static EditSetup Create(EditOperation op, EditRequest request, ImageStore store, EaselOptions options, ModelCapabilities caps)
    {
        long maxPixels = options.MaxImagePixels;
        var allowed = options.InputFolders;
        double strength = request.Strength ?? DefaultStrength(op);
        if (!double.IsFinite(strength) || strength < 0 || strength > 1)
            throw new EaselValidationException("strength", $"{strength} is outside the allowed range 0–1.");
        CheckPixels("mask_grow", request.MaskGrow);
        if (request.MaskFeather != -1) CheckPixels("mask_feather", request.MaskFeather);

        var bytes = Load(request.Image, store, "image", allowed);
        using var loaded = ImageLoader.Decode(bytes, maxPixels, "image");
        if (loaded.Format is "PNG" && op == EditOperation.Variations)
        {
            string? embedded = null;
            try { embedded = PngCodec.ReadMetadata(bytes)?.Prompt; }
            catch (Exception ex) when (ex is not EaselException) { /* unreadable metadata: no embedded prompt */ }
            return CreateLoaded(op, request, store, maxPixels, allowed, caps, strength, loaded, embedded);
        }
        return CreateLoaded(op, request, store, maxPixels, allowed, caps, strength, loaded, null);
    }

    private static EditSetup CreateLoaded(EditOperation op, EditRequest request, ImageStore store, long maxPixels, IReadOnlyList<string>? allowed, ModelCapabilities caps,
        double strength, LoadedImage loaded, string? embeddedPrompt)
    {
        if (op == EditOperation.Outpaint)
            return CreateOutpaint(request, caps, maxPixels, strength, loaded);

        var (width, height) = TargetSize(request.Generation, loaded.Width, loaded.Height, caps);
        var setup = new EditSetup(op, ImageFitting.Fit(loaded.Rgb, width, height, request.Resize), strength, loaded.Sha256)
        {
            EmbeddedPrompt = embeddedPrompt,
        };
        if (loaded.Width != width || loaded.Height != height)
            setup.Details["resize"] = $"{request.Resize.ToString().ToLowerInvariant()} {loaded.Width}x{loaded.Height} -> {width}x{height}";
        if (op != EditOperation.Inpaint) return setup;

        Mask mask;
        if (request.Mask is { } maskInput)
        {
            var maskBytes = Load(maskInput, store, "mask", allowed);
            using var maskImage = ImageLoader.Decode(maskBytes, maxPixels, "mask");
            setup.SourceHashes.Add(maskImage.Sha256);
            mask = maskImage.Alpha is { } alpha
                ? Mask.FromTransparency(alpha, maskImage.Width, maskImage.Height)
                : Mask.FromLuminance(maskImage.Rgb);
            if (maskImage.Width != loaded.Width || maskImage.Height != loaded.Height)
            {
                setup.Warnings.Add($"mask: {maskImage.Width}x{maskImage.Height} differs from the image's {loaded.Width}x{loaded.Height}; resized to the image.");
                mask = mask.Resize(loaded.Width, loaded.Height);
            }
        }
        else if (loaded.Alpha is { } alpha)
            mask = Mask.FromTransparency(alpha, loaded.Width, loaded.Height);
        else
            throw new EaselValidationException("mask", "required: give a mask (white = repaint) or an RGBA image whose transparent pixels mark the area to repaint.");

        var repaint = ImageFitting.FitMask(mask.Binarize(), width, height, request.Resize).Binarize().Grow(request.MaskGrow);
        if (repaint.IsEmpty)
            throw new EaselValidationException("mask", "marks no pixels to repaint (white or transparent pixels are repainted).");
        int feather = request.MaskFeather == -1 ? 4 : request.MaskFeather;
        setup.RepaintMask = repaint;
        setup.CompositeMask = repaint.Feather(feather).Multiply(repaint); // feather inward: unmasked pixels stay exact
        setup.Details["mask_grow"] = request.MaskGrow.ToString(System.Globalization.CultureInfo.InvariantCulture);
        setup.Details["mask_feather"] = feather.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return setup;
    }

    private static EditSetup CreateOutpaint(EditRequest request, ModelCapabilities caps, long maxPixels, double strength, LoadedImage loaded)
    {
        int m = caps.SizeMultiple;
        foreach (var (field, value) in new[] { ("left", request.Left), ("right", request.Right), ("top", request.Top), ("bottom", request.Bottom) })
        {
            if (value < 0 || value > RequestResolver.MaxSide)
                throw new EaselValidationException(field, $"{value} is outside the allowed range 0–{RequestResolver.MaxSide}.");
            if (value % m != 0)
                throw new EaselValidationException(field, $"{value} is not a multiple of {m}; nearest valid: {value / m * m} or {value / m * m + m}.");
        }
        if (request.Left + request.Right + request.Top + request.Bottom == 0)
            throw new EaselValidationException("left/right/top/bottom", "extend at least one side (multiples of 8 pixels).");
        if (request.Generation.Width is not null || request.Generation.Height is not null)
            throw new EaselValidationException("width/height", "not used by outpaint: the canvas is the image plus left/right/top/bottom.");

        int w = loaded.Width, h = loaded.Height;
        int right = request.Right + (m - (request.Left + w + request.Right) % m) % m;
        int bottom = request.Bottom + (m - (request.Top + h + request.Bottom) % m) % m;
        int canvasW = request.Left + w + right, canvasH = request.Top + h + bottom;
        if (canvasW > RequestResolver.MaxSide || canvasH > RequestResolver.MaxSide)
            throw new EaselValidationException("left/right/top/bottom", $"the canvas would be {canvasW}x{canvasH}, over the {RequestResolver.MaxSide} pixel side limit.");
        if ((long)canvasW * canvasH > maxPixels)
            throw new EaselValidationException("left/right/top/bottom", $"the canvas would be {canvasW * (long)canvasH / 1e6:F1} megapixels, over the {maxPixels / 1e6:F1} megapixel limit.");

        // Seed the new area by extending the edge pixels outward, plus a little deterministic noise for texture.
        var canvas = new Image<Rgb24>(canvasW, canvasH);
        var noise = new GaussianNoise(request.Generation.Seed ?? 0);
        var src = loaded.Rgb;
        var original = new Mask(canvasW, canvasH);
        for (int y = 0; y < canvasH; y++)
            for (int x = 0; x < canvasW; x++)
            {
                int sx = Math.Clamp(x - request.Left, 0, w - 1), sy = Math.Clamp(y - request.Top, 0, h - 1);
                bool inside = x - request.Left == sx && y - request.Top == sy;
                var p = src[sx, sy];
                if (!inside)
                {
                    float n = (float)noise.NextGaussian() * 10f;
                    p = new Rgb24(Clamp(p.R + n), Clamp(p.G + n), Clamp(p.B + n));
                }
                else original.Values[y * canvasW + x] = 1;
                canvas[x, y] = p;
            }

        var setup = new EditSetup(EditOperation.Outpaint, canvas, strength, loaded.Sha256);
        var newArea = new Mask(canvasW, canvasH, original.Values.Select(v => 1 - v).ToArray());
        setup.RepaintMask = newArea.Grow(m); // an overlap band into the original so the seam is denoised with context
        int feather = request.MaskFeather == -1 ? 0 : request.MaskFeather;
        setup.CompositeMask = feather == 0 ? newArea : newArea.Feather(feather);
        if (right != request.Right || bottom != request.Bottom)
            setup.Warnings.Add($"outpaint: extended right/bottom by {right - request.Right}/{bottom - request.Bottom} more pixels so the canvas {canvasW}x{canvasH} is a multiple of {m}.");
        setup.Details["extend"] = $"left {request.Left}, right {right}, top {request.Top}, bottom {bottom}";
        return setup;
    }

    /// <summary>Requested size, or the image's own size on the model's grid, scaled down when it is far above the
    /// model's native area (a 4 MP photo on a 512 px model would be slow and out of distribution).</summary>
    private static (int Width, int Height) TargetSize(GenerateRequest generation, int w, int h, ModelCapabilities caps)
    {
        if (caps.FixedSize) return (generation.Width ?? caps.NativeWidth, generation.Height ?? caps.NativeHeight);
        double nativeArea = (double)caps.NativeWidth * caps.NativeHeight;
        double scale = w * (double)h > 4 * nativeArea ? Math.Sqrt(nativeArea / (w * (double)h)) : 1.0;
        int m = caps.SizeMultiple;
        int Round(double v) => Math.Max(m, (int)Math.Round(v / m) * m);
        return (generation.Width ?? Round(w * scale), generation.Height ?? Round(h * scale));
    }

    public EditPlan Plan(ResolvedRequest request, RunTimings timings, CancellationToken ct)
    {
        var caps = request.Capabilities;
        var vae = new VaeCodec(request.Model);
        var imageLatents = vae.Encode(Source, timings, ct);
        float[]? latentMask = RepaintMask?.ToLatentGrid(caps.VaeScaleFactor);

        Tensor? extra = null;
        if (caps.IsInpaintModel)
        {
            // 9-channel UNets see the mask and the latents of the image with the repaint area blanked.
            latentMask ??= Enumerable.Repeat(1f, imageLatents.Shape[2] * imageLatents.Shape[3]).ToArray();
            var masked = VaeCodec.ToTensor(Source);
            var pixelMask = RepaintMask;
            int plane = Source.Width * Source.Height;
            for (int i = 0; i < masked.Length; i++)
                if (pixelMask is null || pixelMask.Values[i % plane] >= 0.5f) masked.Data[i] = 0;
            var maskedLatents = vae.Encode(masked, timings, ct);
            extra = Tensor.ConcatChannels([new Tensor(latentMask, 1, 1, imageLatents.Shape[2], imageLatents.Shape[3]), maskedLatents]);
        }

        int steps = request.Steps;
        double strength = Strength;
        bool blend = !caps.IsInpaintModel && latentMask is not null;
        // diffusers' rules per pipeline: inpaint (and outpaint, an inpaint of the new area) starts from pure noise at
        // the scheduler's initial sigma at full strength (StableDiffusionInpaintPipeline's is_strength_max);
        // img2img (restyle, variations) always noises the image to its first timestep, strength 1 included.
        bool pureNoiseAtFullStrength = Operation is EditOperation.Inpaint or EditOperation.Outpaint;
        LatentStartFactory start = (scheduler, noise, _) =>
        {
            var eps = noise.Next(imageLatents.Length);
            Tensor latents;
            int startIndex;
            if (pureNoiseAtFullStrength && strength >= 1)
            {
                scheduler.SetTimesteps(steps);
                startIndex = 0;
                latents = new Tensor(eps.Select(e => e * scheduler.InitNoiseSigma).ToArray(), imageLatents.Shape);
            }
            else
            {
                // The last ⌊steps·strength⌋ steps from the image noised to that level (no init-noise-sigma multiply);
                // when that is 0 no step runs and the input comes back (Easel's choice; diffusers has no image).
                startIndex = scheduler.SetImageTimesteps(steps, strength);
                latents = Tensor.Zeros(imageLatents.Shape);
                scheduler.AddNoise(imageLatents.Data, eps, startIndex, latents.Data);
            }
            return new LatentStart(latents, startIndex, extra, blend ? new LatentBlend(imageLatents, latentMask!, eps) : null);
        };

        Func<PipelineImage, PipelineImage>? finish = CompositeMask is { } composite
            ? generated =>
            {
                var result = composite.Composite(generated.Image, Source);
                generated.Image.Dispose();
                return generated with { Image = result };
            }
        : null;
        return new EditPlan(start, finish);
    }

    public ImageMetadata Describe(ImageMetadata metadata) => metadata with
    {
        Operation = OperationName(Operation),
        Strength = Strength,
        SourceImageHashes = SourceHashes.ToList(),
        Extra = Details.Count > 0 ? new Dictionary<string, string>(Details) : null,
    };

    private static byte[] Load(ImageInput input, ImageStore store, string field, IReadOnlyList<string>? allowed) =>
        input.Bytes ?? ImageReference.Resolve(input.Reference ?? "", store, field, allowed);

    private static void CheckPixels(string field, int value)
    {
        if (value < 0 || value > MaxMaskPixels)
            throw new EaselValidationException(field, $"{value} is outside the allowed range 0–{MaxMaskPixels} pixels.");
    }

    private static byte Clamp(float v) => (byte)Math.Clamp(MathF.Round(v), 0, 255);

    public void Dispose() => Source.Dispose();
}
