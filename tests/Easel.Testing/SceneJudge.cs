using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Testing;

/// <summary>
/// Reads a procedural scene back out of an image: background, then each object's colour, shape, position and size.
/// Built to be forgiving of generated images (noisy colours, soft edges, stray blobs), not only perfect renders.
/// </summary>
public sealed class SceneJudge
{
    // A pixel this close to the background colour is background even if a third colour is nearer (noise floor).
    private const double MinForegroundDistance = 32;

    private readonly SceneGrammar _grammar;
    private readonly Palette _palette;
    private readonly Dictionary<string, string> _shapeByKind;
    private readonly (int Col, int Row, string Name)[] _positionCells;

    /// <summary>Regions smaller than this fraction of the smallest grammar object (at the judged size) are specks.</summary>
    public double MinObjectFraction { get; }

    /// <summary>An enclosed hole must be at least this fraction of region + hole to make a ring (a ring's is ~30 %).</summary>
    public double MinRingHoleFraction { get; init; } = 0.08;

    public SceneJudge(SceneGrammar g, double minObjectFraction = 0.15)
    {
        _grammar = g;
        _palette = new Palette(g);
        MinObjectFraction = minObjectFraction;
        _shapeByKind = new Dictionary<string, string>();
        foreach (var shape in g.Shapes) _shapeByKind.TryAdd(g.ShapeSpecOf(shape).Kind, shape);
        _positionCells = g.Positions.Select(p =>
        {
            var (x, y) = g.PositionCentre(p);
            return (Third(x), Third(y), p);
        }).ToArray();
    }

    public Judgement Judge(Image<Rgb24> image)
    {
        int w = image.Width, h = image.Height;
        var pixels = new Rgb24[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                pixels[y * w + x] = image[x, y];

        int bg = DominantBorderColour(pixels, w, h);
        var foreground = new bool[pixels.Length];
        double minDist2 = MinForegroundDistance * MinForegroundDistance;
        for (int i = 0; i < pixels.Length; i++)
            foreground[i] = _palette.Nearest(pixels[i]) != bg && _palette.Distance2(pixels[i], bg) > minDist2;

        double minArea = MinObjectFraction * SmallestObjectArea(w, h);
        var objects = ConnectedRegions.Find(foreground, w, h)
            .Where(r => r.Count >= minArea)
            .Select(r => Describe(r, pixels, w, h, bg))
            .OrderByDescending(o => o.Area)
            .ToList();
        return new Judgement(_palette.Names[bg], objects);
    }

    // Objects never touch the border in the grammar, so the border's most common palette colour is the background.
    private int DominantBorderColour(Rgb24[] pixels, int w, int h)
    {
        var votes = new int[_palette.Count];
        for (int x = 0; x < w; x++) { votes[_palette.Nearest(pixels[x])]++; votes[_palette.Nearest(pixels[(h - 1) * w + x])]++; }
        for (int y = 1; y < h - 1; y++) { votes[_palette.Nearest(pixels[y * w])]++; votes[_palette.Nearest(pixels[y * w + w - 1])]++; }
        return Array.IndexOf(votes, votes.Max());
    }

    private JudgedObject Describe(List<int> region, Rgb24[] pixels, int w, int h, int bg)
    {
        double sx = 0, sy = 0;
        foreach (var p in region) { sx += p % w + 0.5; sy += p / w + 0.5; }
        double cx = sx / region.Count, cy = sy / region.Count;

        var geometry = new RegionGeometry(region, w, h, cx, cy);
        string kind = ClassifyKind(geometry, region.Count);
        string shape = _shapeByKind.TryGetValue(kind, out var name) ? name : kind;

        return new JudgedObject(
            _palette.Names[RegionColour(region, pixels, w, bg)], shape, PositionOf(cx / w, cy / h),
            region.Count, cx / w, cy / h)
        { Size = SizeOf(shape, region.Count, w, h) };
    }

    private string ClassifyKind(RegionGeometry g, int area)
    {
        if (_shapeByKind.ContainsKey(ShapeSpec.Ring) && g.HoleArea >= Math.Max(2, MinRingHoleFraction * (area + g.HoleArea)))
            return ShapeSpec.Ring;
        // Nearest prototype in (rectangle fill, radial spread); both are rotation invariant, so a tilted square
        // is still a square. Scales reflect how far pixelation and blur move each feature.
        (string Kind, double Fill, double Spread)[] prototypes =
        [
            (ShapeSpec.Disk, Math.PI / 4, 1.0),
            (ShapeSpec.Square, 1.0, Math.Sqrt(Math.PI / 2)),
            (ShapeSpec.Triangle, 0.5, Math.Sqrt(4 * Math.PI / (3 * Math.Sqrt(3)))),
        ];
        return prototypes
            .Where(p => _shapeByKind.ContainsKey(p.Kind))
            .MinBy(p => Math.Pow((g.RectangleFill - p.Fill) / 0.1, 2) + Math.Pow((g.RadialSpread - p.Spread) / 0.15, 2))
            .Kind;
    }

    // The region's edge pixels may be blends with the background (or snap to a third colour), so use the pixels
    // farthest from the background and take their per-channel median.
    private int RegionColour(List<int> region, Rgb24[] pixels, int w, int bg)
    {
        var set = region.ToHashSet();
        var interior = region.Where(p => p % w > 0 && p % w < w - 1
            && set.Contains(p - 1) && set.Contains(p + 1) && set.Contains(p - w) && set.Contains(p + w)).ToList();
        var candidates = interior.Count >= 3 ? interior : region;
        var core = candidates.OrderByDescending(p => _palette.Distance2(pixels[p], bg))
            .Take(Math.Max(1, (candidates.Count + 1) / 2))
            .Select(p => pixels[p]).ToList();
        var median = new Rgb24(Median(core, c => c.R), Median(core, c => c.G), Median(core, c => c.B));
        return _palette.Nearest(median, exclude: bg);
    }

    private static byte Median(List<Rgb24> values, Func<Rgb24, byte> channel)
    {
        var sorted = values.Select(channel).Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private string PositionOf(double fx, double fy)
    {
        int col = Third(fx), row = Third(fy);
        foreach (var cell in _positionCells)
            if (cell.Col == col && cell.Row == row) return cell.Name;
        // A grammar without that cell: fall back to the nearest position centre.
        return _grammar.Positions.MinBy(p =>
        {
            var (x, y) = _grammar.PositionCentre(p);
            return (x - fx) * (x - fx) + (y - fy) * (y - fy);
        })!;
    }

    private static int Third(double f) => Math.Clamp((int)Math.Floor(f * 3), 0, 2);

    // Size is whichever grammar size makes this shape's ideal area closest in ratio to the measured one.
    private string SizeOf(string shape, int area, int w, int h)
    {
        if (!_grammar.Shapes.Contains(shape)) return "";
        var spec = _grammar.ShapeSpecOf(shape);
        double side = Math.Sqrt((double)w * h);
        return _grammar.Sizes.MinBy(s => Math.Abs(Math.Log(area / IdealArea(spec, _grammar.SizeRadius(s) * side))))!;
    }

    private double SmallestObjectArea(int w, int h)
    {
        double side = Math.Sqrt((double)w * h);
        return _grammar.Shapes.SelectMany(shape => _grammar.Sizes.Select(size =>
            IdealArea(_grammar.ShapeSpecOf(shape), _grammar.SizeRadius(size) * side))).Min();
    }

    /// <summary>Continuous area of a shape of radius r (pixels).</summary>
    internal static double IdealArea(ShapeSpec spec, double r) => spec.Kind switch
    {
        ShapeSpec.Disk => Math.PI * r * r,
        ShapeSpec.Square => Math.Pow(2 * spec.Parameter * r, 2),
        ShapeSpec.Triangle => 3 * Math.Sqrt(3) / 4 * Math.Pow(spec.Parameter * r, 2),
        ShapeSpec.Ring => Math.PI * r * r * (1 - spec.Parameter * spec.Parameter),
        _ => Math.PI * r * r,
    };
}
