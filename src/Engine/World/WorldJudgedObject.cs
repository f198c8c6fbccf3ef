namespace Easel.Engine.World;

/// <summary>An object the world judge found: colour, shape, centroid (fractions of width/height), area in pixels.</summary>
public sealed record WorldJudgedObject(string Color, string Shape, double X, double Y, int Area);
