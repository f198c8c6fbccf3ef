using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Engine.World;

/// <summary>
/// Reads a world scene back out of an image (the rules of models/training/world_judge.py): every pixel takes its
/// nearest palette colour; the background is the colour most border pixels take; objects are 4-connected regions of
/// one other colour, minus specks and halos (fringes of an in-between colour that soft edges leave around an object:
/// most of their pixels touch a larger region). Shape from rotation-invariant measures: an enclosed hole makes a
/// ring; otherwise the outline's radius as a function of angle has three lobes (triangle), four (square, or cross when
/// they are deep or the region is concave: solidity = area / convex-hull area), five (star) or none (circle). Lobes,
/// unlike corner-sensitive area ratios, survive the soft edges of a decoded image.
/// </summary>
public sealed class WorldJudge
{
    // Harmonic amplitudes of the outline (relative to the mean radius), 5th-95th percentile on 64x64 renders, clean /
    // decoded by the VAE: circle every lobe <= .02 / .05; triangle a3 .23-.29 / .21-.34; square a4 .12-.15 / .06-.15;
    // cross a4 .27-.34 / .14-.32; star a5 .26-.33 / .04-.32. Solidity square .90-.98, cross .72-.76 / .74-.89.
    private const int Bins = 64;
    private const double CircleMaxLobe = 0.055, CrossMinLobe = 0.18, CrossMaxSolidity = 0.76, SquareMinSolidity = 0.86;
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
        string shape;
        if (HoleArea(region, w, h) >= Math.Max(2, (int)(MinHoleFraction * region.Count))) shape = "ring";
        else
        {
            var (a3, a4, a5) = Lobes(region, w, h, cx, cy);
            double solidity = region.Count / HullArea(region, w);
            double strongest = Math.Max(a3, Math.Max(a4, a5));
            if (strongest < CircleMaxLobe) shape = "circle";
            else if (a3 == strongest) shape = "triangle";
            else if (a4 == strongest)
                shape = (a4 > CrossMinLobe || solidity < CrossMaxSolidity) && solidity <= SquareMinSolidity ? "cross" : "square";
            else shape = "star";
        }
        return new WorldJudgedObject(colour, shape, (cx + 0.5) / w, (cy + 0.5) / h, region.Count);
    }

    /// <summary>
    /// The outline's radius about the centroid as a function of angle (the farthest boundary pixel edge in each of
    /// <see cref="Bins"/> sectors, empty sectors interpolated), and the amplitudes of its 3rd, 4th and 5th harmonics
    /// relative to the mean radius: a triangle has three lobes, a square and a cross four, a star five, a circle none.
    /// </summary>
    private static (double A3, double A4, double A5) Lobes(List<int> region, int w, int h, double cx, double cy)
    {
        var inRegion = new HashSet<int>(region);
        var radius = new double[Bins];
        foreach (int i in region)
        {
            int x = i % w, y = i / w;
            bool boundary = x == 0 || y == 0 || x == w - 1 || y == h - 1
                || !inRegion.Contains(i - 1) || !inRegion.Contains(i + 1) || !inRegion.Contains(i - w) || !inRegion.Contains(i + w);
            if (!boundary) continue;
            double dx = x - cx, dy = y - cy;
            int bin = (int)Math.Floor((Math.Atan2(dy, dx) + Math.PI) / (2 * Math.PI) * Bins) % Bins;
            radius[bin] = Math.Max(radius[bin], Math.Sqrt(dx * dx + dy * dy) + 0.5);
        }
        var filled = Enumerable.Range(0, Bins).Where(b => radius[b] > 0).ToArray();
        var r = new double[Bins];
        for (int b = 0; b < Bins; b++)
        {
            if (radius[b] > 0) { r[b] = radius[b]; continue; }
            // Circular linear interpolation between the nearest filled sectors on either side.
            int next = filled.FirstOrDefault(f => f > b, filled[0] + Bins), prev = filled.LastOrDefault(f => f < b, filled[^1] - Bins);
            double t = (double)(b - prev) / (next - prev);
            r[b] = radius[(prev + Bins) % Bins] * (1 - t) + radius[next % Bins] * t;
        }
        double mean = r.Average();
        double Amplitude(int k)
        {
            double re = 0, im = 0;
            for (int n = 0; n < Bins; n++)
            {
                double phase = 2 * Math.PI * k * n / Bins;
                re += r[n] * Math.Cos(phase);
                im -= r[n] * Math.Sin(phase);
            }
            return 2 * Math.Sqrt(re * re + im * im) / Bins / mean;
        }
        return (Amplitude(3), Amplitude(4), Amplitude(5));
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
