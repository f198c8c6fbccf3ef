using System.Text.Json;

namespace Easel.Engine.World;

/// <summary>How a world shape is drawn in its own frame (unit radius, y down): disk, ring (with inner radius) or polygon.</summary>
public sealed record WorldShape(string Name, string Kind, bool Rotates, double Extent, double Inner, IReadOnlyList<(double X, double Y)> Polygon)
{
    internal static WorldShape Parse(string name, JsonElement e)
    {
        var kind = e.GetProperty("kind").GetString()!;
        bool rotates = e.GetProperty("rotates").GetBoolean();
        double extent = e.GetProperty("extent").GetDouble();
        var poly = new List<(double, double)>();
        double inner = 0;
        switch (kind)
        {
            case "disk":
                break;
            case "ring":
                inner = e.GetProperty("inner").GetDouble();
                break;
            case "polygon":
                poly.AddRange(e.GetProperty("vertices").EnumerateArray().Select(v => (v[0].GetDouble(), v[1].GetDouble())));
                break;
            case "regular":
                {
                    int n = e.GetProperty("points").GetInt32();
                    double r = e.GetProperty("outer").GetDouble();
                    for (int i = 0; i < n; i++)
                    {
                        double a = -Math.PI / 2 + 2 * Math.PI * i / n;
                        poly.Add((r * Math.Cos(a), r * Math.Sin(a)));
                    }
                    break;
                }
            case "star":
                {
                    int n = e.GetProperty("points").GetInt32();
                    double ro = e.GetProperty("outer").GetDouble(), ri = e.GetProperty("inner").GetDouble() * ro;
                    for (int i = 0; i < 2 * n; i++)
                    {
                        double a = -Math.PI / 2 + Math.PI * i / n, r = i % 2 == 0 ? ro : ri;
                        poly.Add((r * Math.Cos(a), r * Math.Sin(a)));
                    }
                    break;
                }
            default:
                throw new InvalidDataException($"Unknown world shape kind '{kind}' for '{name}' in scene_grammar.json.");
        }
        return new WorldShape(name, kind, rotates, extent, inner, poly);
    }

    /// <summary>Whether the point (u, v) of the shape's own frame (unit radius) is inside.</summary>
    public bool Contains(double u, double v)
    {
        double d2 = u * u + v * v;
        if (Kind == "disk") return d2 <= 1.0;
        if (Kind == "ring") return d2 <= 1.0 && d2 > Inner * Inner;
        bool inside = false; // even-odd crossing test, as world.py's in_polygon
        for (int i = 0; i < Polygon.Count; i++)
        {
            var (x1, y1) = Polygon[i];
            var (x2, y2) = Polygon[(i + 1) % Polygon.Count];
            if (y1 == y2) continue;
            if ((y1 > v) != (y2 > v) && u < x1 + (v - y1) * (x2 - x1) / (y2 - y1)) inside = !inside;
        }
        return inside;
    }
}
