namespace Easel.Engine.World;

/// <summary>A spatial relation "A rel B": B minus A along the axis has the opposite sign of <see cref="Sign"/>
/// (A is on the Sign side of B), e.g. "left of": axis x, sign -1.</summary>
public sealed record WorldRelation(string Name, string Axis, int Sign, IReadOnlyList<string> Phrases)
{
    /// <summary>Whether "A rel B" holds for centres a and b: at least minOffset apart along the axis, and no more
    /// than maxCrossRatio times that across it.</summary>
    public bool Holds((double X, double Y) a, (double X, double Y) b, double minOffset, double maxCrossRatio)
    {
        bool x = Axis == "x";
        double along = (x ? b.X - a.X : b.Y - a.Y) * -Sign;
        double across = Math.Abs(x ? b.Y - a.Y : b.X - a.X);
        return along >= minOffset && across <= maxCrossRatio * along;
    }
}
