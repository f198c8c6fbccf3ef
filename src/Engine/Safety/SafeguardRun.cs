using Easel.Engine.Imaging;
using Easel.Engine.Onnx;
using Easel.Engine.Pipelines;
using Easel.Engine.Provenance;
using Microsoft.Extensions.Logging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Engine.Safety;

/// <summary>One run's pass over its decoded images (see <see cref="OutputSafeguards"/>): checks, marks, and what to tell the caller.</summary>
internal sealed class SafeguardRun(SafetyChecker? checker, string mode, bool watermark, string model, ILogger logger)
{
    private readonly List<string> _warnings = [];
    private int _seen, _withheld;

    /// <summary>What the caller should hear about: flagged or withheld images.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>
    /// Checks and watermarks <paramref name="image"/> in place; returns the metadata to save it with, or null when the
    /// block mode withholds it. <paramref name="repainted"/>: an edit's composite mask, where the watermark may change pixels.
    /// </summary>
    public ImageMetadata? Process(Image<Rgb24> image, ImageMetadata metadata, RunTimings timings, CancellationToken ct, Mask? repainted = null)
    {
        int index = _seen++;
        if (checker is not null)
        {
            bool flagged = checker.IsFlagged(image, timings, ct);
            metadata = With(metadata, "safety_checker", flagged ? "flagged" : "passed");
            if (flagged)
            {
                bool block = mode == SafetyCheckerModes.Block;
                // Audit line: which image and model, never the prompt.
                logger.LogWarning("safety checker: flagged image {Index} (seed {Seed}) on model {Model}; {Action}",
                    index, metadata.Seed, model, block ? "withheld (block)" : "saved and marked (flag)");
                if (block)
                {
                    _withheld++;
                    _warnings.Add($"safety checker: image {index} (seed {metadata.Seed}) was flagged as unsafe and withheld; it was not saved.");
                    return null;
                }
                _warnings.Add($"safety checker: image {index} (seed {metadata.Seed}) was flagged as unsafe; saved and marked safety_checker=flagged (Easel:SafetyChecker = flag).");
            }
        }
        if (watermark && image.Width >= InvisibleWatermark.MinimumSide && image.Height >= InvisibleWatermark.MinimumSide)
        {
            var region = repainted is { } mask && mask.Width == image.Width && mask.Height == image.Height ? mask.Values : null;
            InvisibleWatermark.Embed(image, WatermarkPayload.ForModel(metadata.Model), region);
            metadata = With(metadata, "watermark", $"easel-v{WatermarkPayload.CurrentVersion}");
        }
        return metadata;
    }

    /// <summary>Fails the request when the checker withheld every image, so no surface reports an empty success.</summary>
    public void ThrowIfNothingKept()
    {
        if (_seen > 0 && _withheld == _seen) throw new EaselSafetyException(_withheld);
    }

    /// <summary>Null for a step preview the checker flags under the block mode (previews reach clients as they come): it is not sent.</summary>
    public GenerationProgress? FilterPreview(GenerationProgress progress)
    {
        if (progress.Preview is null || checker is null || mode != SafetyCheckerModes.Block) return progress;
        using var preview = Image.Load<Rgb24>(progress.Preview);
        return checker.IsFlagged(preview) ? null : progress;
    }

    private static ImageMetadata With(ImageMetadata metadata, string key, string value)
    {
        var extra = metadata.Extra is null ? new Dictionary<string, string>() : new Dictionary<string, string>(metadata.Extra);
        extra[key] = value;
        return metadata with { Extra = extra };
    }
}
