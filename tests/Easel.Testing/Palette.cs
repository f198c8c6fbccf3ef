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

    /// <summary>Fraction of the way p lies from colour <paramref name="from"/> to colour <paramref name="to"/>
    /// (projection on the segment between them: 0 at from, 1 at to; not clamped).</summary>
    public double BlendTowards(Rgb24 p, int from, int to)
    {
        double ax = _r[to] - _r[from], ay = _g[to] - _g[from], az = _b[to] - _b[from];
        double px = p.R - _r[from], py = p.G - _g[from], pz = p.B - _b[from];
        return (px * ax + py * ay + pz * az) / (ax * ax + ay * ay + az * az);
    }

    /// <summary>RGB distance from p to the segment between palette colours <paramref name="from"/> and <paramref name="to"/>.</summary>
    public double SegmentDistance(Rgb24 p, int from, int to)
    {
        double t = Math.Clamp(BlendTowards(p, from, to), 0, 1);
        double rx = p.R - (_r[from] + t * (_r[to] - _r[from]));
        double ry = p.G - (_g[from] + t * (_g[to] - _g[from]));
        double rz = p.B - (_b[from] + t * (_b[to] - _b[from]));
        return Math.Sqrt(rx * rx + ry * ry + rz * rz);
    }

    public double Distance(int a, int b)
    {
        int dr = _r[a] - _r[b], dg = _g[a] - _g[b], db = _b[a] - _b[b];
        return Math.Sqrt(dr * dr + dg * dg + db * db);
    }

    /// <summary>RGB distance from palette colour <paramref name="index"/> to the closest other palette colour.</summary>
    public double NearestOtherDistance(int index)
    {
        double best = double.MaxValue;
        for (int i = 0; i < _r.Length; i++)
            if (i != index) best = Math.Min(best, Distance(i, index));
        return best;
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
