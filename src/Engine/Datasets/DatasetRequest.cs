using Easel.Engine.Pipelines;

namespace Easel.Engine.Datasets;

/// <summary>
/// A synthetic data set: prompts from a list or from a template with slot values, <see cref="ImagesPerPrompt"/>
/// images each, written to <see cref="OutputDirectory"/> in the Hugging Face <c>imagefolder</c> layout. Item
/// <c>i</c> (prompt-major) has seed <c>Base.Seed + i</c> (base 0 when unset), so the same request always makes
/// the same set, and a rerun over the same folder continues where the last one stopped.
/// </summary>
public sealed record DatasetRequest
{
    public required string OutputDirectory { get; init; }
    /// <summary>Settings every image shares (its prompt is ignored; <c>Count</c> must be 1).</summary>
    public required GenerateRequest Base { get; init; }
    /// <summary>The prompts, one per item group; or null with a <see cref="Template"/>.</summary>
    public IReadOnlyList<string>? Prompts { get; init; }
    /// <summary>A prompt with <c>{slot}</c>s; every combination of the slot values is one prompt.</summary>
    public string? Template { get; init; }
    /// <summary>Values of each slot of the template.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Slots { get; init; }
    /// <summary>Fill the slots <see cref="Slots"/> leaves open from the bundled model's scene grammar and write its labels.</summary>
    public bool Grammar { get; init; }
    /// <summary>Run the world judge on each image and write its verdict (<c>judge_pass</c>, <c>judge_details</c>); needs <see cref="Grammar"/>.</summary>
    public bool Judge { get; init; }
    public int ImagesPerPrompt { get; init; } = 1;
    /// <summary>Use only this many prompts, drawn deterministically from all the combinations.</summary>
    public int? Sample { get; init; }
    /// <summary>Share of images in a <c>validation</c> split (0 = one split, no subfolders).</summary>
    public double ValidationFraction { get; init; }
}
