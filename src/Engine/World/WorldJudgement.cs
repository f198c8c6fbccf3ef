namespace Easel.Engine.World;

/// <summary>What the world judge read from an image: the background colour and the objects, largest first.</summary>
public sealed record WorldJudgement(string Background, IReadOnlyList<WorldJudgedObject> Objects)
{
    public override string ToString() =>
        $"{Background} background: " + (Objects.Count == 0 ? "no objects" : string.Join("; ", Objects.Select(o =>
            $"{o.Color} {o.Shape} at {o.X:F2},{o.Y:F2} (area {o.Area})")));
}
