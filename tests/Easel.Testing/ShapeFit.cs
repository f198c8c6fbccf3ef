namespace Easel.Testing;

/// <summary>
/// Classifies a filled region by overlap with ideal shapes of the same area centred on its centroid, each tried at
/// several rotations. Overlap (intersection over union) counts pixels, so a few noisy or blurred edge pixels barely
/// move it, unlike features built from extreme points (bounding boxes, farthest pixels).
/// </summary>
internal static class ShapeFit
{
    private const double Degree = Math.PI / 180;

    // Rotations cover each shape's symmetry period: a tilted square is still a square.
    private static readonly double[] SquareAngles = Enumerable.Range(0, 6).Select(i => i * 15 * Degree).ToArray();
    private static readonly double[] TriangleAngles = Enumerable.Range(0, 8).Select(i => i * 15 * Degree).ToArray();

    /// <summary>Best-overlapping filled kind (disk, square, triangle) among <paramref name="kinds"/>, with its IoU.</summary>
    public static (string Kind, double Iou) Best(IReadOnlyList<int> pixels, int width, int height,
        double cx, double cy, IReadOnlySet<string> kinds)
    {
        int area = pixels.Count;
        var (minX, minY, maxX, maxY) = RegionHoles.Bounds(pixels, width);
        // Same-area shapes: disk radius, square half side, triangle circumradius.
        double disk = Math.Sqrt(area / Math.PI), half = Math.Sqrt(area) / 2, circum = Math.Sqrt(4 * area / (3 * Math.Sqrt(3)));
        double reach = Math.Max(circum, half * Math.Sqrt(2)) + 1;
        int x0 = Math.Max(0, (int)Math.Min(minX, cx - reach)), x1 = Math.Min(width - 1, (int)Math.Max(maxX, cx + reach));
        int y0 = Math.Max(0, (int)Math.Min(minY, cy - reach)), y1 = Math.Min(height - 1, (int)Math.Max(maxY, cy + reach));

        // The region as a mask over the window, so each template test is an array read.
        int ww = x1 - x0 + 1;
        var inRegion = new bool[ww * (y1 - y0 + 1)];
        foreach (var p in pixels) inRegion[(p / width - y0) * ww + (p % width - x0)] = true;

        var best = (Kind: "", Iou: -1.0);
        void Try(string kind, Func<double, double, bool> inside)
        {
            if (!kinds.Contains(kind)) return;
            int template = 0, both = 0;
            for (int y = y0; y <= y1; y++)
                for (int x = x0; x <= x1; x++)
                {
                    if (!inside(x + 0.5 - cx, y + 0.5 - cy)) continue;
                    template++;
                    if (inRegion[(y - y0) * ww + (x - x0)]) both++;
                }
            double iou = (double)both / (area + template - both);
            if (iou > best.Iou) best = (kind, iou);
        }

        Try(ShapeSpec.Disk, (dx, dy) => dx * dx + dy * dy <= disk * disk);
        foreach (var a in SquareAngles)
        {
            double c = Math.Cos(a), sn = Math.Sin(a);
            Try(ShapeSpec.Square, (dx, dy) => Math.Abs(c * dx - sn * dy) <= half && Math.Abs(sn * dx + c * dy) <= half);
        }
        foreach (var a in TriangleAngles)
        {
            // Same test as the renderer's upward triangle, in coordinates rotated by a.
            double c = Math.Cos(a), sn = Math.Sin(a);
            Try(ShapeSpec.Triangle, (dx, dy) =>
            {
                double u = c * dx - sn * dy, v = sn * dx + c * dy;
                return v <= circum / 2 && Math.Sqrt(3) * Math.Abs(u) <= v + circum;
            });
        }
        return best;
    }
}
