namespace Easel.Engine.World;

/// <summary>One object of a world scene: centre (X, Y) as fractions of the canvas width/height, Radius as a fraction of
/// the shorter side, Rotation in radians; Shade, Style and LightAngle are its appearance.</summary>
public sealed record WorldObject(string Color, string Shape, double X, double Y, double Radius, double Rotation)
{
    public double Shade { get; init; }
    public string Style { get; init; } = "flat";
    public double LightAngle { get; init; }
}
