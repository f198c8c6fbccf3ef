using Easel.Engine.Datasets;

namespace Easel.Engine.World;

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
        foreach (var (a, b) in new[] { (got[0], got[1]), (got[1], got[0]) })
        {
            if (!Same(a, want[0]) || !Same(b, want[1])) continue;
            if (said.Kind != "relation") return true;
            if (g.Relations[said.Relation!].Holds((a.X, a.Y), (b.X, b.Y), RelationMinOffset, 1.0)) return true;
        }
        return false;
    }

    /// <summary>
    /// Whether a judged image shows what a grammar data set's labels say: the background when said, exactly as many
    /// objects as labelled, each matched to a distinct one by its said shape, colour and grid cell. Size is not judged.
    /// </summary>
    public static bool Passes(WorldGrammar g, SceneLabels labels, WorldJudgement j)
    {
        if (labels.Background is { } bg && j.Background != bg) return false;
        if (j.Objects.Count != labels.Objects.Count) return false;
        var used = new bool[j.Objects.Count];
        return Assign(0);

        bool Assign(int k)
        {
            if (k == labels.Objects.Count) return true;
            var want = labels.Objects[k];
            for (int i = 0; i < j.Objects.Count; i++)
            {
                var o = j.Objects[i];
                if (used[i] || (want.Shape is { } shape && o.Shape != shape) || (want.Color is { } color && o.Color != color)
                    || (want.Position is { } cell && g.CellOf(o.X, o.Y) != cell)) continue;
                used[i] = true;
                if (Assign(k + 1)) return true;
                used[i] = false;
            }
            return false;
        }
    }
}
