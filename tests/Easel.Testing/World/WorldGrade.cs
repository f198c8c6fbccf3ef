namespace Easel.Testing.World;

/// <summary>Whether a judged image satisfies everything its prompt says (models/training/world_judge.py's grade).</summary>
public static class WorldGrade
{
    /// <summary>A judged relation needs the centres this far apart along its axis (canvas fractions) and more along
    /// than across; looser than the sampler's 0.22 because it reads what the model drew.</summary>
    public const double RelationMinOffset = 0.05;

    public static bool Passes(WorldGrammar g, WorldScene scene, WorldJudgement j)
    {
        var said = scene.Said;
        var want = scene.Objects;
        var got = j.Objects;
        if (said.BackgroundSaid && j.Background != scene.Background) return false;
        switch (said.Kind)
        {
            case "single":
                if (got.Count != 1 || got[0].Shape != want[0].Shape) return false;
                if (said.ColorSaid && got[0].Color != want[0].Color) return false;
                return said.Cells.Count == 0 || said.Cells[0] is not { } cell || g.CellOf(got[0].X, got[0].Y) == cell;
            case "count":
                return got.Count == said.Count && got.All(o => o.Shape == want[0].Shape && (!said.ColorSaid || o.Color == want[0].Color));
        }
        if (got.Count != 2) return false;
        bool Same(WorldJudgedObject a, WorldObject e) => a.Shape == e.Shape && (!said.ColorSaid || a.Color == e.Color);
        var sampler = new WorldSampler(g);
        foreach (var (a, b) in new[] { (got[0], got[1]), (got[1], got[0]) })
        {
            if (!Same(a, want[0]) || !Same(b, want[1])) continue;
            if (said.Kind != "relation") return true;
            if (sampler.RelationHolds(said.Relation!, (a.X, a.Y), (b.X, b.Y), RelationMinOffset, 1.0)) return true;
        }
        return false;
    }
}
