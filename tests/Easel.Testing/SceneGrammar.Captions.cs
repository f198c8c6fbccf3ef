using System.Text;
using System.Text.RegularExpressions;

namespace Easel.Testing;

// Caption writing and reading. Every template is turned into an anchored regex whose named groups are the
// placeholders, so parsing is exactly the inverse of formatting.
public sealed partial class SceneGrammar
{
    private static readonly Regex Placeholder = new(@"\{(?<name>[a-z]+)(?<slot>[12]?)\}", RegexOptions.CultureInvariant);

    private readonly IReadOnlyList<CaptionPattern> _captionPatterns;

    private sealed record CaptionPattern(Regex Regex, int ObjectCount);

    /// <summary>Writes a caption for the scene with the given template; phrases are chosen with rng.</summary>
    /// <remarks>A template that leaves size or position unsaid only fits scenes that use the defaults.</remarks>
    public string FormatCaption(Scene scene, string template, Random rng)
    {
        return Placeholder.Replace(template, m =>
        {
            int slot = m.Groups["slot"].Value.Length == 0 ? 0 : int.Parse(m.Groups["slot"].Value, System.Globalization.CultureInfo.InvariantCulture) - 1;
            var name = m.Groups["name"].Value;
            if (name == "bg") return scene.Background;
            var o = scene.Objects[slot];
            return name switch
            {
                "color" => o.Color,
                "shape" => o.Shape,
                "size" => Pick(SizePhrases[o.Size], rng),
                "position" => Pick(PositionPhrases[o.Position], rng),
                _ => throw new InvalidDataException($"Unknown placeholder '{m.Value}' in template '{template}'."),
            };
        });
    }

    /// <summary>The scene a grammar caption describes (unsaid size/position take the grammar defaults),
    /// or null when the caption is not one the grammar can generate.</summary>
    public Scene? ParseCaption(string caption)
    {
        var text = Normalize(caption);
        foreach (var pattern in _captionPatterns)
        {
            var m = pattern.Regex.Match(text);
            if (!m.Success) continue;
            var bg = m.Groups["bg"].Value;
            var objects = new List<SceneObject>();
            for (int i = 0; i < pattern.ObjectCount; i++)
            {
                string suffix = pattern.ObjectCount == 1 ? "" : (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                string defaultSize = pattern.ObjectCount == 1 ? DefaultSize : TwoObjectSize;
                objects.Add(new SceneObject(
                    m.Groups["color" + suffix].Value,
                    m.Groups["shape" + suffix].Value,
                    FromPhrase(SizePhrases, m.Groups["size" + suffix]) ?? defaultSize,
                    FromPhrase(PositionPhrases, m.Groups["position" + suffix]) ?? DefaultPosition));
            }
            if (objects.Any(o => o.Color == bg)) return null; // the grammar never hides an object in its background
            return new Scene(bg, objects);
        }
        return null;
    }

    private static string? FromPhrase(IReadOnlyDictionary<string, IReadOnlyList<string>> phrases, Group g) =>
        g.Success ? phrases.First(p => p.Value.Contains(g.Value)).Key : null;

    private static string Normalize(string caption) =>
        Regex.Replace(caption.Trim().TrimEnd('.').Trim().ToLowerInvariant(), @"\s+", " ");

    private static string Pick(IReadOnlyList<string> items, Random rng) => items[rng.Next(items.Count)];

    private List<CaptionPattern> BuildCaptionPatterns()
    {
        // Phrases must name one thing each, or parsing would be ambiguous.
        foreach (var phrases in new[] { PositionPhrases, SizePhrases })
        {
            var all = phrases.Values.SelectMany(p => p).ToList();
            if (all.Count != all.Distinct().Count())
                throw new InvalidDataException($"{FileName}: a phrase is used for two different values.");
        }
        return TemplatesOne.Select(t => new CaptionPattern(ToRegex(t), 1))
            .Concat(TemplatesTwo.Select(t => new CaptionPattern(ToRegex(t), 2)))
            .ToList();
    }

    private Regex ToRegex(string template)
    {
        var sb = new StringBuilder("^");
        int last = 0;
        foreach (Match m in Placeholder.Matches(template))
        {
            sb.Append(Regex.Escape(template[last..m.Index]));
            var name = m.Groups["name"].Value;
            IEnumerable<string> choices = name switch
            {
                "color" or "bg" => Colors.Keys,
                "shape" => Shapes,
                "size" => SizePhrases.Values.SelectMany(p => p),
                "position" => PositionPhrases.Values.SelectMany(p => p),
                _ => throw new InvalidDataException($"Unknown placeholder '{m.Value}' in template '{template}'."),
            };
            // Longest first so "at the top left" is not read as "at the top" followed by junk.
            var alternation = string.Join("|", choices.OrderByDescending(c => c.Length).Select(Regex.Escape));
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"(?<{name}{m.Groups["slot"].Value}>{alternation})");
            last = m.Index + m.Length;
        }
        sb.Append(Regex.Escape(template[last..])).Append('$');
        return new Regex(sb.ToString(), RegexOptions.CultureInvariant);
    }
}
