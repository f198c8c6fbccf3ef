namespace Easel.Testing;

/// <summary>8-connected components of a boolean mask (diagonal touching joins, so thin soft edges stay whole).</summary>
internal static class ConnectedRegions
{
    public static List<List<int>> Find(bool[] mask, int width, int height)
    {
        var seen = new bool[mask.Length];
        var regions = new List<List<int>>();
        var stack = new Stack<int>();
        for (int start = 0; start < mask.Length; start++)
        {
            if (!mask[start] || seen[start]) continue;
            var region = new List<int>();
            seen[start] = true;
            stack.Push(start);
            while (stack.Count > 0)
            {
                int i = stack.Pop();
                region.Add(i);
                int x = i % width, y = i / width;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int nx = x + dx, ny = y + dy;
                        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
                        int j = ny * width + nx;
                        if (!mask[j] || seen[j]) continue;
                        seen[j] = true;
                        stack.Push(j);
                    }
            }
            regions.Add(region);
        }
        return regions;
    }
}
