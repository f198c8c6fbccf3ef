using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Easel.Engine.Imaging;
using Easel.Engine.Pipelines;

namespace Easel.Engine.Datasets;

/// <summary>
/// Makes a data set, or finishes one a killed or cancelled run left: finished items (in a manifest) are skipped, an
/// image in place but not yet listed is adopted after its PNG metadata is checked, nothing is overwritten. Each new
/// image is generated, moved into place under its final name, then listed, so every state is consistent.
/// </summary>
internal static class DatasetRunner
{
    public const string PlanFile = ".easel-dataset.json";
    public const string LockFile = ".easel-dataset.lock";
    private const string PartialFolder = ".easel-partial";

    public static async Task<DatasetResult> RunAsync(EaselEngine engine, DatasetRequest request, IProgress<DatasetProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var items = DatasetPlanner.Plan(request);
        // Every prompt and the shared settings are checked before any file is written.
        foreach (var text in items.Select(i => i.Text).Distinct(StringComparer.Ordinal))
            engine.PromptPolicy.Check(text, request.Base.NegativePrompt);
        var resolved = RequestResolver.Resolve(request.Base with { Prompt = items[0].Text, Seed = items[0].Seed }, engine.Models);
        engine.Store.EnsureWritable();

        var root = Path.GetFullPath(request.OutputDirectory);
        if (File.Exists(root)) throw new EaselValidationException("out", $"{root} is a file, not a folder.");
        Directory.CreateDirectory(root);
        using var exclusive = Lock(root);
        CheckPlan(root, DatasetPlanner.Describe(request, items.Count));

        var manifests = items.Select(i => i.Split).Distinct(StringComparer.Ordinal)
            .ToDictionary(s => s, s => DatasetManifest.Open(s.Length == 0 ? root : Path.Combine(root, s)), StringComparer.Ordinal);
        var planned = items.ToDictionary(i => (i.Split, i.FileName));
        foreach (var (split, manifest) in manifests)
            foreach (var name in manifest.Files)
            {
                if (!planned.ContainsKey((split, name)))
                    throw new EaselException($"data set: {manifest.Path} lists '{name}', which this data set does not make; use a new folder.");
                if (!File.Exists(Path.Combine(manifest.Directory, name)))
                    throw new EaselException($"data set: {manifest.Path} lists '{name}' but the file is gone; remove its line (or the folder) and run again.");
            }

        int skipped = items.Count(i => manifests[i.Split].Files.Contains(i.FileName)), done = skipped;
        foreach (var item in items.Where(i => !manifests[i.Split].Files.Contains(i.FileName)))
        {
            // Moved into place but not listed when the last run stopped: adopt it if it is what this item makes.
            var path = Path.Combine(manifests[item.Split].Directory, item.FileName);
            if (!File.Exists(path)) continue;
            var metadata = PngCodec.ReadMetadata(File.ReadAllBytes(path));
            if (metadata is null || metadata.Seed != item.Seed || metadata.Prompt != item.Text)
                throw new EaselException($"data set: {path} exists but is not the image this data set makes there (seed {item.Seed}); move it away and run again.");
            manifests[item.Split].Append(DatasetManifest.Line(item, metadata, Verdict(engine, request, item, path)), item.FileName);
            done++;
            skipped++;
        }
        progress?.Report(new DatasetProgress(done, items.Count, skipped, 0, resolved.Steps, clock.Elapsed));

        // Up to `parallel` items run at once (split across queue workers when scale-out is configured); each is
        // placed and listed in plan order, so the manifest reads the same however the runs interleave.
        var pending = items.Where(i => !manifests[i.Split].Files.Contains(i.FileName)).ToList();
        int parallel = pending.Count == 0 ? 1 : await engine.ParallelismAsync(resolved.Model.Name, ct).ConfigureAwait(false);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = new Queue<Task<GenerationResult>>();
        int started = 0, head = 0;
        try
        {
            while (head < pending.Count)
            {
                while (running.Count < parallel && started < pending.Count)
                {
                    ct.ThrowIfCancellationRequested();
                    int index = started++;
                    // Step progress is the head item's: the one whose image is listed next.
                    var relay = progress is null ? null : new Relay(p =>
                    {
                        if (p.Stage == "denoising" && index == Volatile.Read(ref head))
                            progress.Report(new DatasetProgress(Volatile.Read(ref done), items.Count, skipped, p.Step, p.Steps, clock.Elapsed));
                    });
                    var item = pending[index];
                    running.Enqueue(engine.GenerateAsync(request.Base with { Prompt = item.Text, Seed = item.Seed, Count = 1 }, relay, stop.Token));
                }
                var result = await running.Peek().ConfigureAwait(false);
                _ = running.Dequeue(); // the task just awaited
                var next = pending[head];
                var manifest = manifests[next.Split];
                var image = result.Images[0];
                var placed = Place(image.Path, manifest.Directory, next.FileName);
                manifest.Append(DatasetManifest.Line(next, image.Metadata, Verdict(engine, request, next, placed)), next.FileName);
                Interlocked.Increment(ref done);
                Volatile.Write(ref head, head + 1);
                progress?.Report(new DatasetProgress(done, items.Count, skipped, resolved.Steps, resolved.Steps, clock.Elapsed));
            }
        }
        finally
        {
            // Stopped early (cancelled, or an item failed): the runs still going are stopped, and the images of those
            // that finished but were never listed are removed; a rerun makes them again, the same.
            if (running.Count > 0)
            {
                await stop.CancelAsync().ConfigureAwait(false);
                // Their own outcomes do not matter here: the first failure is the one reported.
                await ((Task)Task.WhenAll(running)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                foreach (var unlisted in running.Where(r => r.IsCompletedSuccessfully).SelectMany(r => r.Result.Images))
                    File.Delete(unlisted.Path);
            }
        }
        foreach (var manifest in manifests.Values) RemoveIfEmpty(Path.Combine(manifest.Directory, PartialFolder));
        var splits = items.GroupBy(i => i.Split.Length == 0 ? DatasetPlanner.TrainSplit : i.Split).ToDictionary(g => g.Key, g => g.Count());
        return new DatasetResult(root, items.Count, items.Count - skipped, skipped, splits, manifests.Values.Select(m => m.Path).ToList(), clock.Elapsed);
    }

    private sealed class Relay(Action<GenerationProgress> report) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value) => report(value);
    }

    /// <summary>Moves an engine output to its data set name: via a partial file, then a rename that never overwrites.</summary>
    private static string Place(string source, string directory, string fileName)
    {
        var partial = Path.Combine(directory, PartialFolder);
        Directory.CreateDirectory(partial);
        var temp = Path.Combine(partial, fileName + ".tmp");
        if (File.Exists(temp)) File.Delete(temp); // left by a killed run; never listed, never a result
        File.Move(source, temp);
        var target = Path.Combine(directory, fileName);
        File.Move(temp, target, overwrite: false);
        return target;
    }

    private static DatasetVerdict? Verdict(EaselEngine engine, DatasetRequest request, DatasetItem item, string path) =>
        request.Judge && item.Labels is { } labels ? DatasetVerdict.Judge(labels, path, engine.Options.MaxImagePixels) : null;

    private static void RemoveIfEmpty(string directory)
    {
        if (Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any()) Directory.Delete(directory);
    }

    /// <summary>One run per folder at a time: two would make the same items twice.</summary>
    private static FileStream Lock(string root)
    {
        try
        {
            return new FileStream(Path.Combine(root, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException ex)
        {
            throw new EaselException($"data set: {root} is being written by another run ({ex.Message}).", ex);
        }
    }

    /// <summary>Writes the set's description on the first run; a later run must describe the same set.</summary>
    private static void CheckPlan(string root, JsonObject plan)
    {
        var path = Path.Combine(root, PlanFile);
        if (File.Exists(path))
        {
            var existing = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new EaselException($"data set: {path} is not a JSON object; the folder was changed outside Easel.");
            var differs = plan.Select(p => p.Key).Concat(existing.Select(p => p.Key)).Distinct(StringComparer.Ordinal)
                .FirstOrDefault(k => !JsonNode.DeepEquals(plan[k], existing[k]));
            if (differs is not null)
                throw new EaselValidationException("out", $"{root} holds a data set made with other settings ({differs}: {existing[differs]?.ToJsonString() ?? "unset"} there, {plan[differs]?.ToJsonString() ?? "unset"} now); rerun the same command to resume, or use a new folder.");
            return;
        }
        if (File.Exists(Path.Combine(root, DatasetManifest.FileName)) || Directory.EnumerateFiles(root, "*.png").Any())
            throw new EaselValidationException("out", $"{root} already holds images or a manifest not made by easel dataset; use a new or empty folder.");
        var temp = path + ".tmp";
        File.WriteAllText(temp, plan.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temp, path, overwrite: true);
    }
}
