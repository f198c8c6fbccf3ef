using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Testing;

/// <summary>The grammar's colours as an indexable palette with nearest-colour lookup in RGB.</summary>
internal sealed class Palette
{
    private readonly int[] _r, _g, _b;

    public IReadOnlyList<string> Names { get; }

    public Palette(SceneGrammar g)
    {
        Names = g.ColorNames;
        _r = Names.Select(n => (int)g.Rgb(n).R).ToArray();
        _g = Names.Select(n => (int)g.Rgb(n).G).ToArray();
        _b = Names.Select(n => (int)g.Rgb(n).B).ToArray();
    }

    public int Count => Names.Count;

    public int Distance2(Rgb24 p, int index)
    {
        int dr = p.R - _r[index], dg = p.G - _g[index], db = p.B - _b[index];
        return dr * dr + dg * dg + db * db;
    }

    /// <summary>Index of the nearest palette colour, skipping <paramref name="exclude"/> (-1: skip none).</summary>
    public int Nearest(Rgb24 p, int exclude = -1)
    {
        int best = -1, bestD = int.MaxValue;
        for (int i = 0; i < _r.Length; i++)
        {
            if (i == exclude) continue;
            int d = Distance2(p, i);
            if (d < bestD) { bestD = d; best = i; }
        }
        return best;
    }
}
