namespace Easel.Testing;

/// <summary>One object of a procedural scene; names are those of scene_grammar.json.</summary>
public sealed record SceneObject(string Color, string Shape, string Size, string Position);

/// <summary>A procedural scene: a background colour and one or two objects (later ones paint over earlier ones).</summary>
public sealed record Scene(string Background, IReadOnlyList<SceneObject> Objects)
{
    // Records compare lists by reference; scenes are values, so compare the objects one by one.
    public bool Equals(Scene? other) =>
        other is not null && Background == other.Background && Objects.SequenceEqual(other.Objects);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Background);
        foreach (var o in Objects) hash.Add(o);
        return hash.ToHashCode();
    }

    public override string ToString() =>
        $"{Background} background: " + string.Join("; ", Objects.Select(o => $"{o.Size} {o.Color} {o.Shape} at {o.Position}"));
}

/// <summary>A caption generated from the grammar together with the scene it describes.</summary>
public sealed record CaptionedScene(string Caption, Scene Scene);
