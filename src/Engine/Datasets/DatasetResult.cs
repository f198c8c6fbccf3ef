namespace Easel.Engine.Datasets;

/// <summary>A finished (or resumed-and-finished) data set: its folder, counts per split, and what this run did.</summary>
public sealed record DatasetResult(
    string Directory,
    int Total,
    int Made,
    int Skipped,
    IReadOnlyDictionary<string, int> Splits,
    IReadOnlyList<string> Manifests,
    TimeSpan Elapsed);
