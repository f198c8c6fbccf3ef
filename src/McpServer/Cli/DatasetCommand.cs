using System.Text.Json;
using Easel.Engine;
using Easel.Engine.Datasets;
using Easel.Queue;

namespace Easel.McpServer.Cli;

/// <summary>
/// <c>easel dataset --out DIR (--prompts FILE | --template T [--slots ...] | --grammar)</c>: a resumable
/// Hugging Face imagefolder data set. Ctrl-C stops after the current image; the same command continues. With
/// <c>--queue HOST:PORT</c> (or Easel:Queue:Redis) the images are made by the queue's workers, several at once.
/// </summary>
internal static class DatasetCommand
{
    public static async Task<int> RunAsync(CommandLine cl, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (cl.Positionals.Count > 0)
            throw new EaselValidationException(cl.Positionals[0], "unexpected argument; prompts come from --prompts FILE or --template TEXT.");
        var output = cl.String("out") ?? throw new EaselValidationException("out", "required: the data set folder (a rerun with the same folder resumes).");
        var promptsFile = cl.String("prompts");
        IReadOnlyList<string>? prompts = null;
        if (promptsFile is not null)
        {
            if (!File.Exists(promptsFile)) throw new EaselValidationException("prompts", $"{promptsFile} is not a file (one prompt per line).");
            prompts = File.ReadAllLines(promptsFile);
        }
        var request = new DatasetRequest
        {
            OutputDirectory = output,
            Base = CliApp.ReadGenerateRequest(cl, ""),
            Prompts = prompts,
            Template = cl.String("template"),
            Slots = DatasetSlots.Parse(cl.String("slots")),
            Grammar = cl.Flag("grammar"),
            Judge = cl.Flag("judge"),
            ImagesPerPrompt = cl.Int("images-per-prompt") ?? 1,
            Sample = cl.Int("sample"),
            ValidationFraction = cl.Double("validation") ?? 0,
        };
        bool json = cl.Flag("json");
        var queue = cl.String("queue");
        using var engine = CliApp.CreateEngine(cl, stderr, configure: o => o.Queue.Redis = queue ?? o.Queue.Redis);
        cl.EnsureAllUsed("dataset");
        // Scale-out configured (--queue or Easel:Queue:Redis): the items are split across the queue's live workers.
        if (RedisJobDispatcher.Attach(engine))
            stderr.WriteLine($"easel dataset: items go to the queue at {engine.Options.Queue.Redis}, as many at once as it has live workers");
        var bar = new RunProgressBar(stderr, "images");
        var result = await engine.DatasetAsync(request, new Reporter(p => bar.Report(p.Done, p.Total, p.Made, p.Elapsed)), ct);
        double perMinute = result.Made > 0 ? result.Made / result.Elapsed.TotalMinutes : 0;
        if (json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(new
            {
                directory = result.Directory,
                total = result.Total,
                made = result.Made,
                skipped = result.Skipped,
                splits = result.Splits,
                manifests = result.Manifests,
                seconds = Math.Round(result.Elapsed.TotalSeconds, 3),
                images_per_minute = Math.Round(perMinute, 1),
            }));
            return CliApp.ExitOk;
        }
        stdout.WriteLine($"{result.Directory}\t{result.Total} images ({string.Join(", ", result.Splits.Select(s => $"{s.Key} {s.Value}"))}); made {result.Made}, {result.Skipped} already there; {perMinute:F1} images/min");
        return CliApp.ExitOk;
    }

    private sealed class Reporter(Action<DatasetProgress> report) : IProgress<DatasetProgress>
    {
        public void Report(DatasetProgress value) => report(value);
    }
}
