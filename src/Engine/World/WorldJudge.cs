using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Engine.World;

/// <summary>
/// Reads a world scene back out of an image (the rules of models/training/world_judge.py): every pixel takes its
/// nearest palette colour; the background is the colour most border pixels take; objects are 4-connected regions of
/// one other colour, minus specks and halos (fringes of an in-between colour that soft edges leave around an object:
/// most of their pixels touch a larger region). Shape from rotation-invariant measures: an enclosed hole makes a
/// ring; fill = area / (π rmax²) about the centroid separates pointed shapes (triangle, star) from round and square
/// ones; solidity = area / convex-hull area separates star from triangle and cross from square.
/// </summary>
public sealed class WorldJudge
{
    // Ground truth over all sizes and rotations: fill circle .81-.95, square .55-.75, cross .52-.65, ring .61-.71,
    // triangle .36-.49, star .38-.49; solidity square >= .87, cross <= .78, triangle >= .82, star <= .68.
    private const double PointedMaxFill = 0.505, StarMaxSolidity = 0.75, CircleMinFill = 0.78, CrossMaxSolidity = 0.83;
    private const double MinAreaFraction = 0.0035, HaloTouch = 0.5, MinHoleFraction = 0.04;

    private readonly WorldGrammar _g;
    private readonly (int R, int G, int B)[] _palette;

    public WorldJudge(WorldGrammar g)
    {
        _g = g;
        _palette = g.Colors.Select(c => { var v = g.Rgb(c); return ((int)v.R, (int)v.G, (int)v.B); }).ToArray();
    }

    public WorldJudgement Judge(Image<Rgb24> image)
    {
        int w = image.Width, h = image.Height;
        var idx = new int[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                idx[y * w + x] = Nearest(image[x, y]);
        var votes = new int[_palette.Length];
        for (int x = 0; x < w; x++) { votes[idx[x]]++; votes[idx[(h - 1) * w + x]]++; }
        for (int y = 1; y < h - 1; y++) { votes[idx[y * w]]++; votes[idx[y * w + w - 1]]++; }
        int bg = Array.IndexOf(votes, votes.Max());

        // 4-connected regions of one non-background colour.
        var label = Enumerable.Repeat(-1, w * h).ToArray();
        var regions = new List<List<int>>();
        var stack = new Stack<int>();
        for (int start = 0; start < idx.Length; start++)
        {
            if (idx[start] == bg || label[start] >= 0) continue;
            var region = new List<int>();
            label[start] = regions.Count;
            stack.Push(start);
            while (stack.Count > 0)
            {
                int i = stack.Pop();
                region.Add(i);
                int x = i % w, y = i / w;
                foreach (int j in Neighbours(i, x, y, w, h))
                    if (label[j] < 0 && idx[j] == idx[start]) { label[j] = regions.Count; stack.Push(j); }
            }
            regions.Add(region);
        }

        double minArea = MinAreaFraction * w * h;
        var objects = new List<WorldJudgedObject>();
        for (int k = 0; k < regions.Count; k++)
        {
            var region = regions[k];
            if (region.Count < minArea) continue;
            int touching = 0;
            foreach (int i in region)
            {
                int x = i % w, y = i / w;
                if (Neighbours(i, x, y, w, h).Any(j => label[j] >= 0 && label[j] != k && regions[label[j]].Count > region.Count)) touching++;
            }
            if (touching >= HaloTouch * region.Count) continue;
            objects.Add(Describe(region, _g.Colors[idx[region[0]]], w, h));
        }
        return new WorldJudgement(_g.Colors[bg], objects.OrderByDescending(o => o.Area).ToList());
    }

    private static WorldJudgedObject Describe(List<int> region, string colour, int w, int h)
    {
        double cx = 0, cy = 0;
        foreach (int i in region) { cx += i % w; cy += i / w; }
        cx /= region.Count; cy /= region.Count;
        double rmax = 0;
        foreach (int i in region) rmax = Math.Max(rmax, Sq(i % w - cx) + Sq(i / w - cy));
        rmax = Math.Sqrt(rmax) + 0.5;
        double fill = region.Count / (Math.PI * rmax * rmax);
        string shape;
        if (HoleArea(region, w, h) >= Math.Max(2, (int)(MinHoleFraction * region.Count))) shape = "ring";
        else
        {
            double solidity = region.Count / HullArea(region, w);
            if (fill < PointedMaxFill) shape = solidity < StarMaxSolidity ? "star" : "triangle";
            else if (fill >= CircleMinFill) shape = "circle";
            else shape = solidity < CrossMaxSolidity ? "cross" : "square";
        }
        return new WorldJudgedObject(colour, shape, (cx + 0.5) / w, (cy + 0.5) / h, region.Count);
    }

    // Background pixels (not in the region) that cannot reach the region's bounding box border: enclosed holes.
    private static int HoleArea(List<int> region, int w, int h)
    {
        int x0 = region.Min(i => i % w) - 1, x1 = region.Max(i => i % w) + 1, y0 = region.Min(i => i / w) - 1, y1 = region.Max(i => i / w) + 1;
        int bw = x1 - x0 + 1, bh = y1 - y0 + 1;
        var inRegion = new bool[bw * bh];
        foreach (int i in region) inRegion[(i / w - y0) * bw + (i % w - x0)] = true;
        var reached = new bool[bw * bh];
        var stack = new Stack<int>();
        for (int i = 0; i < bw * bh; i++)
        {
            int x = i % bw, y = i / bw;
            if ((x == 0 || y == 0 || x == bw - 1 || y == bh - 1) && !inRegion[i]) { reached[i] = true; stack.Push(i); }
        }
        while (stack.Count > 0)
        {
            int i = stack.Pop();
            foreach (int j in Neighbours(i, i % bw, i / bw, bw, bh))
                if (!inRegion[j] && !reached[j]) { reached[j] = true; stack.Push(j); }
        }
        int holes = 0;
        for (int i = 0; i < bw * bh; i++) if (!inRegion[i] && !reached[i]) holes++;
        return holes;
    }

    // Convex hull of the pixel centres (monotone chain), grown by half a pixel all round: area + perimeter/2 + 1,
    // exact for axis-aligned pixel rectangles, so it compares with the pixel count.
    private static double HullArea(List<int> region, int w)
    {
        var pts = region.Select(i => (X: (double)(i % w), Y: (double)(i / w))).Distinct().OrderBy(p => p.X).ThenBy(p => p.Y).ToList();
        if (pts.Count < 3) return region.Count;
        static double Cross((double X, double Y) o, (double X, double Y) a, (double X, double Y) b) =>
            (a.X - o.X) * (b.Y - o.Y) - (a.Y - o.Y) * (b.X - o.X);
        var hull = new List<(double X, double Y)>();
        foreach (var pass in new[] { pts, Enumerable.Reverse(pts).ToList() })
        {
            int floor = hull.Count;
            foreach (var p in pass)
            {
                while (hull.Count >= floor + 2 && Cross(hull[^2], hull[^1], p) <= 0) hull.RemoveAt(hull.Count - 1);
                hull.Add(p);
            }
            hull.RemoveAt(hull.Count - 1);
        }
        double area = 0, perimeter = 0;
        for (int i = 0; i < hull.Count; i++)
        {
            var (a, b) = (hull[i], hull[(i + 1) % hull.Count]);
            area += a.X * b.Y - b.X * a.Y;
            perimeter += Math.Sqrt(Sq(b.X - a.X) + Sq(b.Y - a.Y));
        }
        return Math.Abs(area) / 2 + perimeter / 2 + 1;
    }

    private static IEnumerable<int> Neighbours(int i, int x, int y, int w, int h)
    {
        if (y > 0) yield return i - w;
        if (y < h - 1) yield return i + w;
        if (x > 0) yield return i - 1;
        if (x < w - 1) yield return i + 1;
    }

    private int Nearest(Rgb24 p)
    {
        int best = 0, bestD = int.MaxValue;
        for (int c = 0; c < _palette.Length; c++)
        {
            int d = Sq(p.R - _palette[c].R) + Sq(p.G - _palette[c].G) + Sq(p.B - _palette[c].B);
            if (d < bestD) { bestD = d; best = c; }
        }
        return best;
    }

    private static int Sq(int v) => v * v;
    private static double Sq(double v) => v * v;
}
