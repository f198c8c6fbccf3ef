namespace Easel.Testing;

/// <summary>Enclosed holes of a pixel region: what makes a ring a ring.</summary>
internal static class RegionHoles
{
    /// <summary>Pixels not in the region that cannot reach the outside 4-connected (the region is 8-connected).</summary>
    public static int Area(IReadOnlyList<int> pixels, int width)
    {
        var (minX, minY, maxX, maxY) = Bounds(pixels, width);
        // Local grid: the bounding box plus a one-pixel frame that stands for "outside the region".
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

    public static (int MinX, int MinY, int MaxX, int MaxY) Bounds(IReadOnlyList<int> pixels, int width)
    {
        int minX = int.MaxValue, minY = int.MaxValue, maxX = -1, maxY = -1;
        foreach (var p in pixels)
        {
            int x = p % width, y = p / width;
            minX = Math.Min(minX, x); maxX = Math.Max(maxX, x);
            minY = Math.Min(minY, y); maxY = Math.Max(maxY, y);
        }
        return (minX, minY, maxX, maxY);
    }
}
