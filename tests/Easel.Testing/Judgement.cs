namespace Easel.Testing;

/// <summary>
/// An object the judge found. Position is a grammar position name (3×3 grid of thirds); the centroid is a
/// fraction of the image width/height; Area is in pixels of the judged image.
/// </summary>
public sealed record JudgedObject(string Color, string Shape, string Position, int Area, double CentroidX, double CentroidY)
{
    /// <summary>Grammar size name whose ideal area for this shape is nearest (an extra; empty if unknown).</summary>
    public string Size { get; init; } = "";

    /// <summary>Whether colour, shape and position (and size when asked) agree with an expected object.</summary>
    public bool Matches(SceneObject expected, bool includeSize = false) =>
        Color == expected.Color && Shape == expected.Shape && Position == expected.Position
        && (!includeSize || Size == expected.Size);
}

/// <summary>What the judge saw in an image: its background and its objects, largest first.</summary>
/// <remarks>
/// The attribute checks compare the largest N judged objects with the N expected ones, ignoring order, so each
/// attribute can be scored on its own; <see cref="Matches"/> demands one consistent pairing for everything.
/// </remarks>
public sealed record Judgement(string Background, IReadOnlyList<JudgedObject> Objects)
{
    public bool BackgroundMatches(Scene expected) => Background == expected.Background;

    public bool CountMatches(Scene expected) => Objects.Count == expected.Objects.Count;

    public bool ColorsMatch(Scene expected) => SameMultiset(expected, j => j.Color, e => e.Color);

    public bool ShapesMatch(Scene expected) => SameMultiset(expected, j => j.Shape, e => e.Shape);

    public bool PositionsMatch(Scene expected) => SameMultiset(expected, j => j.Position, e => e.Position);

    public bool SizesMatch(Scene expected) => SameMultiset(expected, j => j.Size, e => e.Size);

    /// <summary>Every expected object is found (colour, shape, position; size if asked) under one pairing.</summary>
    public bool ObjectsMatch(Scene expected, bool includeSize = false)
    {
        var top = Top(expected);
        return top is not null && AnyPairing(top, expected.Objects, 0, new bool[top.Count], includeSize);
    }

    /// <summary>Right background, right number of objects, and every object right.</summary>
    public bool Matches(Scene expected, bool includeSize = false) =>
        BackgroundMatches(expected) && CountMatches(expected) && ObjectsMatch(expected, includeSize);

    public override string ToString() =>
        $"{Background} background: " + (Objects.Count == 0 ? "no objects" : string.Join("; ", Objects.Select(o =>
            $"{o.Size} {o.Color} {o.Shape} at {o.Position} (area {o.Area}, centroid {o.CentroidX:F2},{o.CentroidY:F2})")));

    private List<JudgedObject>? Top(Scene expected) =>
        Objects.Count < expected.Objects.Count ? null : Objects.Take(expected.Objects.Count).ToList();

    private bool SameMultiset(Scene expected, Func<JudgedObject, string> judged, Func<SceneObject, string> wanted)
    {
        var top = Top(expected);
        return top is not null
            && top.Select(judged).Order(StringComparer.Ordinal).SequenceEqual(expected.Objects.Select(wanted).Order(StringComparer.Ordinal));
    }

    // Scenes have one or two objects, so trying every pairing is cheap.
    private static bool AnyPairing(List<JudgedObject> judged, IReadOnlyList<SceneObject> expected, int next, bool[] used, bool includeSize)
    {
        if (next == expected.Count) return true;
        for (int i = 0; i < judged.Count; i++)
        {
            if (used[i] || !judged[i].Matches(expected[next], includeSize)) continue;
            used[i] = true;
            if (AnyPairing(judged, expected, next + 1, used, includeSize)) return true;
            used[i] = false;
        }
        return false;
    }
}
