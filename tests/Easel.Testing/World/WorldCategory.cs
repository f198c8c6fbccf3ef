namespace Easel.Testing.World;

/// <summary>The GenEval-style evaluation categories of the world.</summary>
public static class WorldCategory
{
    public const string Single = "single", TwoObjects = "two_objects", Counting = "counting", Colors = "colors",
        Position = "position", RelativePosition = "relative_position", ColorAttribution = "color_attribution";

    public static IReadOnlyList<string> All { get; } = [Single, TwoObjects, Counting, Colors, Position, RelativePosition, ColorAttribution];
}
