using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Easel.Engine.Text;
using Easel.Engine.Vocabulary;

namespace Easel.Engine.Datasets;

/// <summary>Expands a data set request into its items (prompts × images, seeds, splits, file names); checks it whole first.</summary>
internal static partial class DatasetPlanner
{
    public const string TrainSplit = "train";
    public const string ValidationSplit = "validation";
    private const long MaxCombinations = 10_000_000;

    /// <summary>Columns Easel writes itself; a slot may not take one of these names.</summary>
    public static readonly IReadOnlySet<string> ReservedColumns = new HashSet<string>(StringComparer.Ordinal)
    {
        "file_name", "text", "seed", "split", "prompt_index", "image_index", "negative_prompt", "model", "width", "height",
        "steps", "guidance", "guidance_rescale", "scheduler", "eta", "objects", "background", "operation", "engine_version",
        "judge_pass", "judge_details",
    };

    public static IReadOnlyList<DatasetItem> Plan(DatasetRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.OutputDirectory))
            throw new EaselValidationException("out", "is required: the folder the data set is written to.");
        if (request.ImagesPerPrompt < 1 || request.ImagesPerPrompt > EaselLimits.MaxDatasetImagesPerPrompt)
            throw new EaselValidationException("images_per_prompt", $"{request.ImagesPerPrompt} is outside 1–{EaselLimits.MaxDatasetImagesPerPrompt}.");
        if (request.ValidationFraction is < 0 or >= 1 || double.IsNaN(request.ValidationFraction))
            throw new EaselValidationException("validation", $"{request.ValidationFraction} is outside 0 (no split) to below 1.");
        if (request.Sample is < 1)
            throw new EaselValidationException("sample", $"{request.Sample} must be at least 1.");
        if (request.Base.Count != 1)
            throw new EaselValidationException("count", "use images_per_prompt for several images of one prompt.");
        if (request.Base.Seed is < 0)
            throw new EaselValidationException("seed", "must be 0 or more.");
        if (request.Judge && !request.Grammar)
            throw new EaselValidationException("judge", "needs grammar: only a grammar-drawn set has labels (objects, background) to judge each image against.");

        var prompts = Prompts(request);
        if (request.Sample is { } sample && sample < prompts.Count)
        {
            long salt = request.Base.Seed ?? 0;
            prompts = prompts.Select((p, i) => (p, i)).OrderBy(x => Mix(salt, x.i)).Take(sample).OrderBy(x => x.i).Select(x => x.p).ToList();
        }
        long total = (long)prompts.Count * request.ImagesPerPrompt;
        if (total > EaselLimits.MaxDatasetImages)
            throw new EaselValidationException("images_per_prompt", $"{prompts.Count} prompts x {request.ImagesPerPrompt} = {total} images; a data set has at most {EaselLimits.MaxDatasetImages} (use sample to draw fewer prompts).");

        long seed = request.Base.Seed ?? 0;
        var validation = new HashSet<int>();
        if (request.ValidationFraction > 0)
        {
            int count = (int)Math.Round(total * request.ValidationFraction, MidpointRounding.AwayFromZero);
            foreach (var i in Enumerable.Range(0, (int)total).OrderBy(i => Mix(seed ^ 0x5157, i)).Take(count)) validation.Add(i);
        }
        var items = new List<DatasetItem>((int)total);
        for (int p = 0; p < prompts.Count; p++)
            for (int j = 0; j < request.ImagesPerPrompt; j++)
            {
                int index = items.Count;
                var split = request.ValidationFraction > 0 ? (validation.Contains(index) ? ValidationSplit : TrainSplit) : "";
                var (text, slots, labels) = prompts[p];
                items.Add(new DatasetItem(index, p, text, seed + index, split, $"{index:D6}.png", slots, labels));
            }
        return items;
    }

    /// <summary>What makes the set what it is; a rerun over the same folder must describe the same set.</summary>
    public static JsonObject Describe(DatasetRequest request, int items)
    {
        var plan = Settings(request, items);
        // Only when set, so folders made before the option existed still resume.
        if (request.Judge) plan["judge"] = true;
        return plan;
    }

    private static JsonObject Settings(DatasetRequest request, int items) => new()
    {
        ["items"] = items,
        ["prompts"] = request.Prompts is { } list ? new JsonArray(list.Select(p => (JsonNode)JsonValue.Create(p)!).ToArray()) : null,
        ["template"] = request.Template,
        ["slots"] = request.Slots is { } slots ? new JsonObject(slots.OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => KeyValuePair.Create(s.Key, (JsonNode?)new JsonArray(s.Value.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray())))) : null,
        ["grammar"] = request.Grammar,
        ["images_per_prompt"] = request.ImagesPerPrompt,
        ["sample"] = request.Sample,
        ["validation"] = request.ValidationFraction,
        ["seed"] = request.Base.Seed ?? 0,
        ["negative_prompt"] = request.Base.NegativePrompt,
        ["model"] = request.Base.Model,
        ["width"] = request.Base.Width,
        ["height"] = request.Base.Height,
        ["steps"] = request.Base.Steps,
        ["guidance"] = request.Base.Guidance,
        ["guidance_rescale"] = request.Base.GuidanceRescale,
        ["scheduler"] = request.Base.Scheduler,
        ["eta"] = request.Base.Eta,
    };

    private static List<(string Text, IReadOnlyList<KeyValuePair<string, string>> Slots, SceneLabels? Labels)> Prompts(DatasetRequest request)
    {
        bool hasList = request.Prompts is not null, hasTemplate = !string.IsNullOrWhiteSpace(request.Template) || request.Grammar;
        if (hasList == hasTemplate)
            throw new EaselValidationException("prompts", "give either a prompt list or a template (with slot values or the grammar), not both or neither.");
        if (request.Prompts is { } prompts)
        {
            var list = prompts.Select(p => p.Trim()).Where(p => p.Length > 0).ToList();
            if (list.Count == 0) throw new EaselValidationException("prompts", "the list has no prompts (blank lines are skipped).");
            return list.Select(p => (p, (IReadOnlyList<KeyValuePair<string, string>>)[], (SceneLabels?)null)).ToList();
        }

        var template = string.IsNullOrWhiteSpace(request.Template) ? SceneGrammarSlots.DefaultTemplate : request.Template;
        var names = SlotPattern().Matches(template).Select(m => m.Groups["slot"].Value).Distinct(StringComparer.Ordinal).ToList();
        if (names.Count == 0) throw new EaselValidationException("template", $"'{template}' has no {{slot}}; a fixed prompt goes in a prompt list.");
        var grammar = request.Grammar ? SceneGrammarSlots.Load() : null;
        var given = request.Slots ?? new Dictionary<string, IReadOnlyList<string>>();
        foreach (var extra in given.Keys.Where(k => !names.Contains(k)))
            throw new EaselValidationException("slots", $"'{extra}' is not a slot of the template (its slots: {string.Join(", ", names)}).");
        var values = new List<IReadOnlyList<string>>();
        foreach (var name in names)
        {
            if (ReservedColumns.Contains(name))
                throw new EaselValidationException("template", $"slot {{{name}}} would overwrite the manifest's own '{name}' column; rename it.");
            var list = given.TryGetValue(name, out var v) ? v.Select(x => x.Trim()).Where(x => x.Length > 0).Distinct(StringComparer.Ordinal).ToList()
                : grammar?.Values(name)?.ToList();
            if (list is null)
                throw new EaselValidationException("slots", $"{{{name}}} has no values; give them{(request.Grammar ? " (the grammar knows color, bg, shape, size, position, with an optional object number)" : " or use the grammar")}.");
            if (list.Count == 0) throw new EaselValidationException("slots", $"{{{name}}} has an empty value list.");
            values.Add(list);
        }
        long combinations = values.Aggregate(1L, (n, v) => Math.Min(n * v.Count, MaxCombinations + 1));
        if (combinations > MaxCombinations)
            throw new EaselValidationException("slots", $"the slot values make more than {MaxCombinations:N0} prompts; give fewer values.");

        var result = new List<(string, IReadOnlyList<KeyValuePair<string, string>>, SceneLabels?)>();
        var index = new int[names.Count];
        for (long n = 0; n < combinations; n++)
        {
            var slots = names.Select((name, k) => KeyValuePair.Create(name, values[k][index[k]])).ToList();
            var labels = grammar is null ? null : SceneGrammarSlots.Labels(slots);
            if (labels is null || SceneGrammarSlots.Drawable(labels))
            {
                var text = SlotPattern().Replace(template, m =>
                {
                    string name = m.Groups["slot"].Value, value = slots.First(s => s.Key == name).Value;
                    string phrase = grammar?.Phrase(name, value) ?? value;
                    var article = m.Groups["article"];
                    return article.Success ? $"{IndefiniteArticle.For(phrase, article.Value)}{m.Groups["space"].Value}{phrase}" : phrase;
                });
                result.Add((text, slots, labels));
            }
            for (int k = names.Count - 1; k >= 0; k--) // the last slot varies fastest
            {
                if (++index[k] < values[k].Count) break;
                index[k] = 0;
            }
        }
        if (result.Count == 0) throw new EaselValidationException("slots", "no slot combination describes a drawable scene.");
        return result;
    }

    /// <summary>SplitMix64 of (salt, i): a stable order for sampling and splitting (System.Random's is not promised).</summary>
    private static ulong Mix(long salt, long i)
    {
        ulong z = unchecked((ulong)salt * 0x9E3779B97F4A7C15UL + (ulong)i + 0x632BE59BD9B4E019UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    // A slot, with the "a"/"an" just before it so the filled prompt can agree with the value ("an orange").
    [GeneratedRegex(@"(?:\b(?<article>[Aa]n?)(?<space> +))?\{(?<slot>[A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex SlotPattern();
}
