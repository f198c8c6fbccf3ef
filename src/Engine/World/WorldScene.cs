namespace Easel.Engine.World;

/// <summary>A world scene on a Width x Height canvas: background colour and its look, the objects, and what the prompt says.</summary>
public sealed record WorldScene(int Width, int Height, string Background, IReadOnlyList<WorldObject> Objects, WorldPrompt Said)
{
    public string BackgroundStyle { get; init; } = "flat";
    public (double From, double To) BackgroundTones { get; init; }
    public double BackgroundAngle { get; init; }
    public double BackgroundOffset { get; init; }
    public double NoiseSigma { get; init; }
    public int NoiseSeed { get; init; }

    public override string ToString() =>
        $"{Width}x{Height} {Background} ({BackgroundStyle}): " + string.Join("; ", Objects.Select(o =>
            $"{o.Color} {o.Shape} at {o.X:F2},{o.Y:F2} r {o.Radius:F3}"));
}
