namespace Easel.Engine.World;

/// <summary>What a prompt says about its scene (everything else is sampled). Kind is single, count, pair or relation;
/// Count is the number of objects a counting prompt names; Cells are said grid cells per object (null: unsaid).</summary>
public sealed record WorldPrompt(string Kind, bool BackgroundSaid, bool ColorSaid)
{
    public string? Size { get; init; }
    public int Count { get; init; } = 1;
    public IReadOnlyList<string?> Cells { get; init; } = [];
    public string? Relation { get; init; }
    /// <summary>"one red circle" rather than "a red circle".</summary>
    public bool OneWord { get; init; }
}
