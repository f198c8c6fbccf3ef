using System.Text.Json;
using Easel.Engine;
using Easel.Engine.Grids;
using Easel.Engine.Vocabulary;

namespace Easel.McpServer.Cli;

/// <summary><c>easel grid PROMPT --x KIND=V1,V2 [--y KIND=V1,V2]</c>: the cells and a labelled contact sheet.</summary>
internal static class GridCommand
{
    public static async Task<int> RunAsync(CommandLine cl, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (cl.Positionals.Count != 1)
            throw new EaselValidationException("prompt", "expected one PROMPT (quote it). Usage: easel grid PROMPT --x KIND=V1,V2,... [--y KIND=V1,V2,...]");
        var x = cl.String("x") ?? throw new EaselValidationException("x", $"required: --x KIND=V1,V2,... with KIND one of {string.Join(", ", GridAxis.Names)}.");
        var y = cl.String("y");
        var request = new GridRequest
        {
            Base = CliApp.ReadGenerateRequest(cl, cl.Positionals[0]),
            X = GridAxis.Parse(x, "x_axis"),
            Y = y is null ? null : GridAxis.Parse(y, "y_axis"),
            Image = cl.String("image") is { } image ? new Engine.Pipelines.ImageInput(image) : null,
            Strength = cl.Double("strength"),
            Resize = ResizeModes.Parse(cl.String("resize")),
        };
        bool json = cl.Flag("json");
        using var engine = CliApp.CreateEngine(cl, stderr, cl.String("out"));
        cl.EnsureAllUsed("grid");
        var bar = new RunProgressBar(stderr, "cells");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var progress = new Reporter(p =>
        {
            int cellsDone = p.Step >= p.Steps ? p.Cell + 1 : p.Cell;
            bar.Report(cellsDone, p.Cells, cellsDone, clock.Elapsed, $"steps {p.CompletedSteps}/{p.TotalSteps}");
        });
        var result = await engine.GridAsync(request, progress, ct);
        foreach (var warning in result.Warnings) stderr.WriteLine($"warning: {warning}");
        if (json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(new
            {
                operation = "grid",
                x_axis = new { kind = result.X.Name, values = result.X.Values },
                y_axis = result.Y is { } ya ? new { kind = ya.Name, values = ya.Values } : null,
                columns = result.Columns,
                rows = result.Rows,
                sheet = new { id = result.Sheet.Id, uri = result.Sheet.ResourceUri, path = result.Sheet.Path, width = result.SheetWidth, height = result.SheetHeight },
                cells = result.Cells.Select(c => new { column = c.Column, row = c.Row, x = c.XValue, y = c.YValue, id = c.Image.Id, uri = c.Image.Stored.ResourceUri, path = c.Image.Path, seed = c.Image.Seed }),
                warnings = result.Warnings,
                seconds = Math.Round(result.Elapsed.TotalSeconds, 3),
            }));
            return CliApp.ExitOk;
        }
        stdout.WriteLine($"{result.Sheet.Path}\tsheet {result.Columns}x{result.Rows} ({result.SheetWidth}x{result.SheetHeight} px)");
        foreach (var c in result.Cells)
            stdout.WriteLine($"{c.Image.Path}\tcell {c.Column},{c.Row} {result.X.Name}={c.XValue}{(c.YValue is null ? "" : $" {result.Y!.Name}={c.YValue}")} seed {c.Image.Seed}");
        return CliApp.ExitOk;
    }

    private sealed class Reporter(Action<GridProgress> report) : IProgress<GridProgress>
    {
        public void Report(GridProgress value) => report(value);
    }
}
