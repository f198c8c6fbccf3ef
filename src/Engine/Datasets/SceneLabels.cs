namespace Easel.Engine.Datasets;

/// <summary>What a grammar-drawn prompt says the image holds: its objects and the background colour.</summary>
public sealed record SceneLabels(IReadOnlyList<SceneObjectLabel> Objects, string? Background);
