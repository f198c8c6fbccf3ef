namespace Easel.Engine.Vocabulary;

/// <summary>
/// An up-front estimate of the memory one request needs, checked against <see cref="EaselOptions.MaxRequestMemoryMB"/>
/// before any tensor is allocated, so a huge size fails as a field error instead of inside ONNX Runtime. It counts
/// what grows with the size: one self-attention score matrix at the full latent resolution per UNet batch element
/// (tokens² × 4 bytes; batch 2 with classifier-free guidance), the VAE decoder's full-resolution activations
/// (128 channels × 3 buffers × 4 bytes a pixel) and the finished images of the set.
/// </summary>
public static class MemoryEstimate
{
    private const long DecoderBytesPerPixel = 128L * 3 * 4;
    private const long ImageBytesPerPixel = 4L * 2; // RGBA pixels, plus the PNG being encoded

    /// <summary>Bytes a request of this size needs by the estimate.</summary>
    public static long Bytes(int width, int height, int count, bool classifierFreeGuidance, int latentScale = 8)
    {
        long pixels = (long)width * height;
        long tokens = (long)(width / latentScale) * (height / latentScale);
        long batch = classifierFreeGuidance ? 2 : 1;
        return batch * tokens * tokens * 4 + pixels * DecoderBytesPerPixel + count * pixels * ImageBytesPerPixel;
    }

    /// <summary>The cap in bytes: the configured one, or (0) the memory .NET may use on this machine or container.</summary>
    public static long CapBytes(EaselOptions options) =>
        options.MaxRequestMemoryMB > 0 ? options.MaxRequestMemoryMB * 1024L * 1024 : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Refuses, naming width, height and count and the cap, a request whose estimate is over it.</summary>
    public static void Check(int width, int height, int count, bool classifierFreeGuidance, int latentScale, EaselOptions options)
    {
        long need = Bytes(width, height, count, classifierFreeGuidance, latentScale), cap = CapBytes(options);
        if (need <= cap) return;
        throw new EaselValidationException("width/height/count",
            $"{width}x{height} × {count} image(s){(classifierFreeGuidance ? " with guidance" : "")} needs about {Mb(need)} MB by Easel's estimate, " +
            $"over the {Mb(cap)} MB limit (Easel:MaxRequestMemoryMB{(options.MaxRequestMemoryMB > 0 ? "" : "; default: this machine's memory")}). " +
            "Ask for a smaller width or height, or fewer images.");
    }

    private static long Mb(long bytes) => (bytes + (1024 * 1024) - 1) / (1024 * 1024);
}
