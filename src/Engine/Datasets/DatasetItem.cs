namespace Easel.Engine.Datasets;

/// <summary>One planned image of a data set: where it goes, its prompt, seed and slot values.</summary>
public sealed record DatasetItem(
    int Index,
    int PromptIndex,
    string Text,
    long Seed,
    string Split,
    string FileName,
    IReadOnlyList<KeyValuePair<string, string>> Slots,
    SceneLabels? Labels);
