namespace Easel.Engine.Pipelines;

/// <summary>An image given by reference (path, file:// URI, data URI, base64, easel://images/{id}) or as bytes.</summary>
public sealed record ImageInput(string? Reference = null, byte[]? Bytes = null)
{
    public static implicit operator ImageInput(string reference) => new(reference);
    public static ImageInput FromBytes(byte[] bytes) => new(null, bytes);
    public override string ToString() => Reference ?? $"<{Bytes?.Length ?? 0} bytes>";
}

/// <summary>How a source image whose size differs from the requested size is fitted.</summary>
public enum ResizeMode
{
    /// <summary>Keep the aspect ratio, fit inside, letterbox with the image's mean edge colour (default).</summary>
    Fit,
    /// <summary>Keep the aspect ratio, cover the size, crop the overflow (centred).</summary>
    Fill,
    /// <summary>Ignore the aspect ratio.</summary>
    Stretch,
}

/// <summary>
/// An edit of an existing image: img2img/restyle, inpaint, outpaint or variations. <see cref="Generation"/> carries
/// the shared settings (prompt, model, steps, guidance, scheduler, seed, count; width/height default to the image's).
/// </summary>
public sealed record EditRequest
{
    public required GenerateRequest Generation { get; init; }
    public required ImageInput Image { get; init; }
    /// <summary>Inpaint: white = repaint (binarised at 0.5). Without one, transparent pixels of the image are repainted.</summary>
    public ImageInput? Mask { get; init; }
    /// <summary>0 keeps the image, 1 ignores it. Defaults: restyle 0.75, variations 0.6, inpaint 1.0, outpaint 0.85.</summary>
    public double? Strength { get; init; }
    public ResizeMode Resize { get; init; } = ResizeMode.Fit;
    /// <summary>Inpaint: grow the mask by this many pixels before use (0–64).</summary>
    public int MaskGrow { get; init; }
    /// <summary>Inpaint/outpaint: feather the composite edge over this many pixels (0–64).</summary>
    public int MaskFeather { get; init; } = -1;
    /// <summary>Outpaint: pixels to add on each side (multiples of 8).</summary>
    public int Left { get; init; }
    public int Right { get; init; }
    public int Top { get; init; }
    public int Bottom { get; init; }
}
