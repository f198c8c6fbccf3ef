using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Testing;

/// <summary>
/// Reads a procedural scene back out of an image: background, then each object's colour, shape, position and size.
/// Built to be forgiving of generated images (noisy colours, soft edges, stray blobs), not only perfect renders.
/// </summary>
/// <remarks>
/// Background: the most common palette colour on the border. Objects: 8-connected regions at least halfway from
/// the background to their own colour, ignoring specks. Colour: the region's denoised core colour matched to a
/// palette colour (allowing for blends with the background). Shape: ring if it encloses a real hole, otherwise the
/// same-area disk, square or triangle (any rotation) it overlaps best. Position: the centroid's cell in a 3×3 grid
/// of thirds of the image. Size: the grammar size whose ideal area for that shape is nearest.
/// </remarks>
public sealed class SceneJudge
{
    // Pass-1 threshold: at least this far from the background colour (noise floor), and at least this fraction
    // of the way to the closest other palette colour (well below the halfway point pass 2 uses).
    private const double MinForegroundDistance = 32;
    private const double RoughDistanceFraction = 0.4;

    // Per unit of colour distance a region's typical pixel falls short of a candidate colour (see RegionColour).
    private const double BlendShortfallCharge = 0.1;

    private readonly SceneGrammar _grammar;
    private readonly Palette _palette;
    private readonly Dictionary<string, string> _shapeByKind;
    private readonly HashSet<string> _filledKinds;
    private readonly (int Col, int Row, string Name)[] _positionCells;

    /// <summary>Regions smaller than this fraction of the smallest grammar object (a small triangle, ~93 px at 64×64,
    /// scaled to the judged size) are specks. 0.15 (~14 px at 64×64) drops the stray blobs a model leaves behind
    /// while no real object, even a badly drawn one, is that small.</summary>
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
        _filledKinds = _shapeByKind.Keys.Where(k => k != ShapeSpec.Ring).ToHashSet();
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
        double minArea = MinObjectFraction * SmallestObjectArea(w, h);

        // Pass 1: pixels clearly off the background locate the objects and give each its colour. Requiring the
        // nearest palette colour to differ too keeps a noisy background from joining everything into one blob.
        double rough = Math.Max(MinForegroundDistance, RoughDistanceFraction * _palette.NearestOtherDistance(bg));
        var offBackground = new bool[pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
            offBackground[i] = _palette.Nearest(pixels[i]) != bg && _palette.Distance2(pixels[i], bg) > rough * rough;

        // Pass 2: a pixel belongs to its object when it is at least halfway from the background to the object's
        // colour. Soft edges are blends of the two, so this puts the edge where the hard edge was; snapping to
        // the nearest palette colour instead would count e.g. red/blue blends as purple and fatten every shape,
        // and orange reads as a yellow/red blend.
        var colourOf = new int[pixels.Length];
        var foreground = new bool[pixels.Length];
        foreach (var seed in ConnectedRegions.Find(offBackground, w, h).Where(r => r.Count >= minArea))
        {
            int colour = RegionColour(seed, pixels, w, bg);
            foreach (var p in seed)
            {
                colourOf[p] = colour;
                foreground[p] = _palette.BlendTowards(pixels[p], bg, colour) >= 0.5;
            }
        }

        var objects = ConnectedRegions.Find(foreground, w, h)
            .Where(r => r.Count >= minArea)
            .Select(r => Describe(r, colourOf[r[0]], w, h))
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

    private JudgedObject Describe(List<int> region, int colour, int w, int h)
    {
        double sx = 0, sy = 0;
        foreach (var p in region) { sx += p % w + 0.5; sy += p / w + 0.5; }
        double cx = sx / region.Count, cy = sy / region.Count;

        string kind = ClassifyKind(region, w, h, cx, cy);
        string shape = _shapeByKind.TryGetValue(kind, out var name) ? name : kind;

        return new JudgedObject(
            _palette.Names[colour], shape, PositionOf(cx / w, cy / h),
            region.Count, cx / w, cy / h)
        { Size = SizeOf(shape, region.Count, w, h) };
    }

    // A ring is whatever encloses a real hole; anything else is the filled shape it overlaps best.
    private string ClassifyKind(List<int> region, int w, int h, double cx, double cy)
    {
        int hole = RegionHoles.Area(region, w);
        if (_shapeByKind.ContainsKey(ShapeSpec.Ring) && hole >= Math.Max(2, MinRingHoleFraction * (region.Count + hole)))
            return ShapeSpec.Ring;
        return ShapeFit.Best(region, w, h, cx, cy, _filledKinds).Kind;
    }

    // Colour of the region's most object-like pixels: the per-channel median of the upper half (by distance from
    // the background) of its interior, which averages noise away. Thin or soft objects may have no pure pixel, and
    // a blend with the background lies on the segment between the two colours, so the median is matched to the
    // nearest background-to-colour segment rather than the nearest colour: a yellow/red blend is not orange, a
    // blue/red blend is not purple. A small charge for being short of the colour keeps pure colours preferred.
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

        int best = -1;
        double bestCost = double.MaxValue;
        for (int c = 0; c < _palette.Count; c++)
        {
            if (c == bg) continue;
            double shortfall = 1 - Math.Clamp(_palette.BlendTowards(median, bg, c), 0, 1);
            double cost = _palette.SegmentDistance(median, bg, c)
                + BlendShortfallCharge * shortfall * _palette.Distance(bg, c);
            if (cost < bestCost) { bestCost = cost; best = c; }
        }
        return best;
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
