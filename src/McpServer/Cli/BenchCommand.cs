using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Easel.Engine.Pipelines;

namespace Easel.McpServer.Cli;

/// <summary>
/// <c>easel bench</c>: end-to-end text-to-image timings on one model — per-step time, total, time inside ONNX
/// Runtime and Easel's own overhead (total minus ONNX Runtime). The total is the generate call as its caller sees
/// it: request checks, the output-folder check, the worker hand-off, the pipeline, safeguards, PNG encoding and the
/// flushed save. Images go to a temporary folder.
/// </summary>
internal static class BenchCommand
{
    public static async Task<int> RunAsync(CommandLine cl, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        int runs = cl.Int("runs") ?? 5;
        int warmup = cl.Int("warmup") ?? 1;
        bool json = cl.Flag("json");
        if (runs < 1 || runs > 1000) throw new Engine.EaselValidationException("runs", $"{runs} is outside the allowed range 1–1000.");
        if (warmup < 0 || warmup > 100) throw new Engine.EaselValidationException("warmup", $"{warmup} is outside the allowed range 0–100.");
        var prompt = cl.Positionals.FirstOrDefault() ?? "a red circle on a blue background";
        var request = CliApp.ReadGenerateRequest(cl, prompt) with { Seed = cl.Long("seed") ?? 1, Count = 1 };
        var output = Path.Combine(Path.GetTempPath(), $"easel-bench-{Guid.NewGuid():N}");
        try
        {
            using var engine = CliApp.CreateEngine(cl, stderr, output);
            cl.EnsureAllUsed("bench");
            for (int i = 0; i < warmup; i++)
                await engine.GenerateAsync(request, null, ct);
            var results = new List<GenerationResult>();
            var totals = new List<double>();
            for (int i = 0; i < runs; i++)
            {
                var clock = Stopwatch.StartNew();
                results.Add(await engine.GenerateAsync(request with { Seed = request.Seed + i }, null, ct));
                totals.Add(clock.Elapsed.TotalMilliseconds);
            }

            var ort = results.Select(r => r.Timings.OnnxRuntime.TotalMilliseconds).ToList();
            var overhead = totals.Select((t, i) => t - ort[i]).ToList();
            var steps = results.SelectMany(r => r.Timings.StepTimes).Select(t => t.TotalMilliseconds).ToList();
            var first = results[0].Images[0];
            var report = new
            {
                model = results[0].Model,
                width = first.Width,
                height = first.Height,
                steps = first.Metadata.Steps,
                guidance = first.Metadata.Guidance,
                scheduler = first.Metadata.Scheduler,
                runs,
                step_ms_mean = Math.Round(steps.Average(), 2),
                step_ms_median = Math.Round(Median(steps), 2),
                total_ms_mean = Math.Round(totals.Average(), 1),
                total_ms_median = Math.Round(Median(totals), 1),
                onnx_runtime_ms_mean = Math.Round(ort.Average(), 1),
                overhead_ms_mean = Math.Round(overhead.Average(), 1),
                overhead_percent = Math.Round(100 * overhead.Average() / totals.Average(), 1),
                total_ms = totals.Select(t => Math.Round(t, 2)).ToList(),
                onnx_runtime_ms = ort.Select(t => Math.Round(t, 2)).ToList(),
                overhead_ms = overhead.Select(t => Math.Round(t, 2)).ToList(),
            };
            if (json)
                stdout.WriteLine(JsonSerializer.Serialize(report));
            else
            {
                var inv = CultureInfo.InvariantCulture;
                stdout.WriteLine($"model {report.model}, {report.width}x{report.height}, {report.steps} steps, guidance {report.guidance.ToString(inv)}, {report.scheduler}, {runs} runs after {warmup} warm-up");
                stdout.WriteLine(string.Format(inv, "per step:    {0,9:F2} ms mean, {1:F2} ms median", report.step_ms_mean, report.step_ms_median));
                stdout.WriteLine(string.Format(inv, "end to end:  {0,9:F1} ms mean, {1:F1} ms median", report.total_ms_mean, report.total_ms_median));
                stdout.WriteLine(string.Format(inv, "in ORT:      {0,9:F1} ms mean", report.onnx_runtime_ms_mean));
                stdout.WriteLine(string.Format(inv, "overhead:    {0,9:F1} ms mean ({1:F1} % of end to end)", report.overhead_ms_mean, report.overhead_percent));
            }
            return CliApp.ExitOk;
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
