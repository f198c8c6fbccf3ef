namespace Easel.Testing;

/// <summary>
/// Geometry of one connected pixel region: enclosed hole area, and rotation-invariant shape features computed
/// on the convex hull of the pixels' corner points (so a pixel counts as the unit square it covers).
/// </summary>
internal sealed class RegionGeometry
{
    /// <summary>Pixels not in the region that cannot reach the image border (4-connected): a ring's hole.</summary>
    public int HoleArea { get; }

    /// <summary>Region area / area of its minimum-area (any angle) bounding rectangle: square ≈ 1, disk ≈ π/4, triangle ≈ 1/2.</summary>
    public double RectangleFill { get; }

    /// <summary>Farthest hull vertex from the centroid / radius of a disk with the hull's area:
    /// disk ≈ 1, square ≈ 1.25, equilateral triangle ≈ 1.55.</summary>
    public double RadialSpread { get; }

    public RegionGeometry(IReadOnlyList<int> pixels, int width, int height, double centroidX, double centroidY)
    {
        int minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1;
        foreach (var p in pixels)
        {
            int x = p % width, y = p / width;
            minX = Math.Min(minX, x); maxX = Math.Max(maxX, x);
            minY = Math.Min(minY, y); maxY = Math.Max(maxY, y);
        }
        HoleArea = CountHole(pixels, width, minX, minY, maxX, maxY);

        var hull = ConvexHull(RowEndCorners(pixels, width, minY, maxY));
        double hullArea = PolygonArea(hull);
        RectangleFill = pixels.Count / MinBoundingRectangleArea(hull);
        double farthest = hull.Max(v => Math.Sqrt((v.X - centroidX) * (v.X - centroidX) + (v.Y - centroidY) * (v.Y - centroidY)));
        RadialSpread = farthest / Math.Sqrt(hullArea / Math.PI);
    }

    // Flood the non-region pixels of the bounding box (plus a one-pixel frame that stands for "outside") from the
    // frame; whatever is not reached is enclosed by the region.
    private static int CountHole(IReadOnlyList<int> pixels, int width, int minX, int minY, int maxX, int maxY)
    {
        int w = maxX - minX + 3, h = maxY - minY + 3;
        var blocked = new bool[w * h];
        foreach (var p in pixels) blocked[(p / width - minY + 1) * w + (p % width - minX + 1)] = true;

        var reached = new bool[w * h];
        var stack = new Stack<int>();
        stack.Push(0);
        reached[0] = true;
        int outside = 0;
        while (stack.Count > 0)
        {
            int i = stack.Pop();
            outside++;
            int x = i % w, y = i / w;
            if (x > 0) Visit(i - 1);
            if (x < w - 1) Visit(i + 1);
            if (y > 0) Visit(i - w);
            if (y < h - 1) Visit(i + w);
        }
        return w * h - pixels.Count - outside;

        void Visit(int j)
        {
            if (blocked[j] || reached[j]) return;
            reached[j] = true;
            stack.Push(j);
        }
    }

    // Only each row's leftmost and rightmost pixels can contribute hull corners.
    private static List<(double X, double Y)> RowEndCorners(IReadOnlyList<int> pixels, int width, int minY, int maxY)
    {
        int rows = maxY - minY + 1;
        var left = Enumerable.Repeat(int.MaxValue, rows).ToArray();
        var right = Enumerable.Repeat(-1, rows).ToArray();
        foreach (var p in pixels)
        {
            int x = p % width, row = p / width - minY;
            left[row] = Math.Min(left[row], x);
            right[row] = Math.Max(right[row], x);
        }
        var corners = new List<(double, double)>(rows * 4);
        for (int row = 0; row < rows; row++)
        {
            if (right[row] < 0) continue;
            int y = row + minY;
            corners.Add((left[row], y)); corners.Add((left[row], y + 1));
            corners.Add((right[row] + 1, y)); corners.Add((right[row] + 1, y + 1));
        }
        return corners;
    }

    // Andrew's monotone chain; returns the hull counter-clockwise without repeating the first vertex.
    private static List<(double X, double Y)> ConvexHull(List<(double X, double Y)> points)
    {
        var sorted = points.Distinct().OrderBy(p => p.X).ThenBy(p => p.Y).ToList();
        if (sorted.Count < 3) return sorted;
        var hull = new List<(double X, double Y)>(sorted.Count + 1);
        foreach (var pass in new[] { sorted, Enumerable.Reverse(sorted).ToList() })
        {
            int start = hull.Count;
            foreach (var p in pass)
            {
                while (hull.Count >= start + 2 && Cross(hull[^2], hull[^1], p) <= 0) hull.RemoveAt(hull.Count - 1);
                hull.Add(p);
            }
            hull.RemoveAt(hull.Count - 1);
        }
        return hull;
    }

    private static double Cross((double X, double Y) o, (double X, double Y) a, (double X, double Y) b) =>
        (a.X - o.X) * (b.Y - o.Y) - (a.Y - o.Y) * (b.X - o.X);

    private static double PolygonArea(List<(double X, double Y)> poly)
    {
        double twice = 0;
        for (int i = 0; i < poly.Count; i++)
        {
            var (a, b) = (poly[i], poly[(i + 1) % poly.Count]);
            twice += a.X * b.Y - b.X * a.Y;
        }
        return Math.Abs(twice) / 2;
    }

    // The minimum-area enclosing rectangle has a side on a hull edge, so trying every edge direction finds it.
    private static double MinBoundingRectangleArea(List<(double X, double Y)> hull)
    {
        double best = double.MaxValue;
        for (int i = 0; i < hull.Count; i++)
        {
            var (a, b) = (hull[i], hull[(i + 1) % hull.Count]);
            double len = Math.Sqrt((b.X - a.X) * (b.X - a.X) + (b.Y - a.Y) * (b.Y - a.Y));
            if (len == 0) continue;
            double ux = (b.X - a.X) / len, uy = (b.Y - a.Y) / len;
            double minU = double.MaxValue, maxU = double.MinValue, minV = double.MaxValue, maxV = double.MinValue;
            foreach (var p in hull)
            {
                double u = p.X * ux + p.Y * uy, v = -p.X * uy + p.Y * ux;
                minU = Math.Min(minU, u); maxU = Math.Max(maxU, u);
                minV = Math.Min(minV, v); maxV = Math.Max(maxV, v);
            }
            best = Math.Min(best, (maxU - minU) * (maxV - minV));
        }
        return best;
    }
}
