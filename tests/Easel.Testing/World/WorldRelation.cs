namespace Easel.Testing.World;

/// <summary>A spatial relation "A rel B": B minus A along the axis has the opposite sign of <see cref="Sign"/>
/// (A is on the Sign side of B), e.g. "left of": axis x, sign -1.</summary>
public sealed record WorldRelation(string Name, string Axis, int Sign, IReadOnlyList<string> Phrases);
