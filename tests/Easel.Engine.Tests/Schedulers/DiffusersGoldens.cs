using System.Text.Json.Nodes;
using Easel.Engine.Schedulers;
using Easel.Engine.Tensors;

namespace Easel.Engine.Tests.Schedulers;

/// <summary>
/// Replays the cases in tests/fixtures/diffusers/schedulers_*.json (written by make_scheduler_goldens.py from
/// diffusers' own scheduler classes) through Easel's schedulers and measures how far Easel lands from them.
/// Deviations are relative: |easel − diffusers| / max(1, max |diffusers|) over each compared vector.
/// </summary>
internal static class DiffusersGoldens
{
    public const double Tolerance = 1e-4;
    public static readonly string Folder = Path.Combine(RepoPaths.Root, "tests", "fixtures", "diffusers");

    private static readonly Lazy<Dictionary<string, JsonArray>> Files = new(LoadFiles);
    private static readonly Lazy<JsonObject> Configs = new(() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "scheduler_configs.json")))!.AsObject());

    public static IEnumerable<string> Schedulers => Files.Value.Keys;

    /// <summary>Ids "scheduler#index" of every case.</summary>
    public static IEnumerable<string> CaseIds() =>
        Files.Value.SelectMany(f => Enumerable.Range(0, f.Value.Count).Select(i => $"{f.Key}#{i}"));

    public static JsonObject Case(string id)
    {
        var parts = id.Split('#');
        return Files.Value[parts[0]][int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)]!.AsObject();
    }

    public static string Describe(JsonObject c) =>
        $"{c["scheduler"]} on {c["config"]}, {c["steps"]} steps" + (c["strength"] is { } s ? $", img2img strength {s}" : "");

    /// <summary>The config diffusers built the scheduler from, with the case's from_config overrides.</summary>
    public static SchedulerConfig Config(JsonObject c)
    {
        var json = Configs.Value[(string)c["config"]!]!.DeepClone().AsObject();
        foreach (var (key, value) in c["overrides"]!.AsObject())
            json[key] = value?.DeepClone();
        return SchedulerConfig.FromJson(json.ToJsonString());
    }

    private static Dictionary<string, JsonArray> LoadFiles()
    {
        var files = Directory.GetFiles(Folder, "schedulers_*.json").OrderBy(p => p, StringComparer.Ordinal).ToArray();
        if (files.Length == 0)
            throw new InvalidOperationException($"No scheduler goldens in {Folder}; run make_scheduler_goldens.py (see README.md there).");
        return files.ToDictionary(
            p => Path.GetFileNameWithoutExtension(p)["schedulers_".Length..],
            p => JsonNode.Parse(File.ReadAllText(p))!["cases"]!.AsArray());
    }

    /// <summary>Runs one case; returns the largest deviation seen and every mismatch above the tolerance.</summary>
    public static (double MaxDeviation, List<string> Failures) Run(JsonObject c)
    {
        var result = new Comparison();
        string name = (string)c["scheduler"]!;
        int steps = (int)c["steps"]!;
        double? strength = (double?)c["strength"];
        var scheduler = SchedulerFactory.Create(name, Config(c));
        var noise = new GaussianNoise((long)c["seed"]!);

        if (c["error"] is not null)
        {
            // diffusers refuses the request. txt2img: so does Easel. LCM img2img asking for more steps than the
            // strength leaves: Easel's documented choice is to run the steps there are.
            if (strength is null)
                result.Expect(Throws(() => scheduler.SetTimesteps(steps)), "Easel accepted a schedule diffusers refuses");
            else
            {
                int available = (int)Math.Floor(((LcmScheduler)scheduler).Config.OriginalInferenceSteps * strength.Value);
                result.Expect(scheduler.SetImageTimesteps(steps, strength.Value) == 0 && scheduler.Timesteps.Count == available,
                    $"LCM img2img should run the {available} steps strength leaves");
            }
            return result.Done();
        }

        double[] schedule = Doubles(c["schedule"]);
        int start;
        if (strength is null)
        {
            scheduler.SetTimesteps(steps);
            start = 0;
        }
        else
            start = scheduler.SetImageTimesteps(steps, strength.Value);

        if (schedule.Any(t => t < 0))
        {
            // numpy's float arange overshoots to n + 1 trailing timesteps ending in -1 (an index from the end of
            // ᾱ in diffusers); Easel keeps exactly n. Only the schedule is comparable.
            result.Vector("timesteps", scheduler.Timesteps, schedule.Where(t => t >= 0).ToArray());
            return result.Done();
        }

        result.Vector("timesteps", scheduler.Timesteps, schedule);
        if (c["sigmas"] is { } sigmas && SigmasOf(scheduler) is { } easelSigmas)
            result.Vector("sigmas", easelSigmas, Doubles(sigmas));
        result.Scalar("init_noise_sigma", scheduler.InitNoiseSigma, (double)c["init_noise_sigma"]!);

        int length = 16;
        float[] x;
        if (strength is null)
        {
            x = noise.Next(length);
            for (int i = 0; i < length; i++)
                x[i] *= scheduler.InitNoiseSigma;
        }
        else
        {
            if (c["no_steps"] is not null)
            {
                // Easel's documented choice: no step at all, the input comes back unchanged.
                result.Expect(start == scheduler.Timesteps.Count, $"start {start} should be {scheduler.Timesteps.Count} (no step)");
                return result.Done();
            }
            result.Scalar("start index", start, (int)c["start_index"]!);
            var eps = noise.Next(length);
            x = new float[length];
            scheduler.AddNoise(ParityModel.ImageLatents(length), eps, start, x);
            result.Vector("start latents", x.Select(v => (double)v).ToArray(), Doubles(c["start_latents"]));
        }

        double[] scales = Doubles(c["input_scales"]);
        var trajectory = c["trajectory"]?.AsArray();
        var input = new float[length];
        for (int i = start, k = 0; i < scheduler.Timesteps.Count; i++, k++)
        {
            var ones = Enumerable.Repeat(1f, length).ToArray();
            scheduler.ScaleModelInput(ones, i);
            if (k < scales.Length)
                result.Scalar($"input scale {k}", ones[0], scales[k]);
            x.CopyTo(input, 0);
            scheduler.ScaleModelInput(input, i);
            var output = ParityModel.Evaluate(input, scheduler.Timesteps[i]);
            scheduler.Step(output, i, x, noise);
            if (trajectory is not null && k < trajectory.Count)
                result.Vector($"sample after step {k}", x.Select(v => (double)v).ToArray(), Doubles(trajectory[k]));
        }
        result.Scalar("steps run", scheduler.Timesteps.Count - start, ((JsonArray)c["timesteps"]!).Count);
        result.Vector("final sample", x.Select(v => (double)v).ToArray(), Doubles(c["final"]));
        return result.Done();
    }

    private static IReadOnlyList<double>? SigmasOf(IScheduler scheduler) => scheduler switch
    {
        EulerFamilyScheduler euler => euler.Sigmas,
        DpmSolverMultistepScheduler dpm => dpm.Sigmas,
        _ => null,
    };

    private static double[] Doubles(JsonNode? node) => node!.AsArray().Select(v => (double)v!).ToArray();

    private static bool Throws(Action action)
    {
        try { action(); return false; }
        catch (ArgumentException) { return true; }
    }

    private sealed class Comparison
    {
        private readonly List<string> _failures = [];
        private double _max;

        public void Expect(bool condition, string message)
        {
            if (!condition) _failures.Add(message);
        }

        public void Scalar(string what, double actual, double expected) => Vector(what, [actual], [expected]);

        public void Vector(string what, IReadOnlyList<double> actual, IReadOnlyList<double> expected)
        {
            if (actual.Count != expected.Count)
            {
                _failures.Add($"{what}: {actual.Count} values, diffusers {expected.Count}: [{Show(actual)}] vs [{Show(expected)}]");
                return;
            }
            double scale = Math.Max(1, expected.Max(Math.Abs));
            double deviation = 0;
            for (int i = 0; i < actual.Count; i++)
                deviation = Math.Max(deviation, double.IsFinite(actual[i]) ? Math.Abs(actual[i] - expected[i]) / scale : double.PositiveInfinity);
            _max = Math.Max(_max, deviation);
            if (deviation > Tolerance)
                _failures.Add($"{what}: deviation {deviation:G3}: [{Show(actual)}] vs diffusers [{Show(expected)}]");
        }

        public (double, List<string>) Done() => (_max, _failures);

        private static string Show(IReadOnlyList<double> v) =>
            string.Join(", ", v.Take(8).Select(x => x.ToString("G6", System.Globalization.CultureInfo.InvariantCulture))) + (v.Count > 8 ? ", …" : "");
    }
}
