using System.Text.Json;
using Easel.Engine;
using Easel.Engine.Imaging;
using Easel.Engine.Pipelines;
using Easel.Engine.Vocabulary;
using Easel.McpServer.Mcp;
using Easel.McpServer.Mcp.Tools;
using Microsoft.Extensions.Logging;

namespace Easel.McpServer.Cli;

/// <summary>The <c>easel</c> command line: generate, tokenize, models, bench (serve lives in Mcp/).</summary>
internal static class CliApp
{
    public const int ExitOk = 0, ExitFailure = 1, ExitUsage = 2, ExitCancelled = 130;

    /// <summary>The overview <c>easel --help</c> prints.</summary>
    public static string Usage => CliHelp.Overview;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" || args is ["help"])
        {
            stdout.WriteLine(Usage);
            return args.Length == 0 ? ExitUsage : ExitOk;
        }
        if (args[0] is "--version")
        {
            stdout.WriteLine($"easel {EngineInfo.Version}");
            return ExitOk;
        }
        var command = args[0];
        if (args is ["help", _, ..] || CliHelp.Requested(args.Skip(1)))
        {
            var about = args[0] == "help" ? args[1] : command;
            if (CliHelp.For(about) is not { } help) return Unknown(about, stderr);
            stdout.WriteLine(help);
            return ExitOk;
        }
        try
        {
            var cl = new CommandLine(args.Skip(1), new HashSet<string> { "json", "verbose", "http", "grammar", "judge" });
            return command switch
            {
                "generate" => await GenerateAsync(cl, stdout, stderr, ct),
                "img2img" => await EditAsync(EditOperation.Restyle, cl, stdout, stderr, ct),
                "inpaint" => await EditAsync(EditOperation.Inpaint, cl, stdout, stderr, ct),
                "outpaint" => await EditAsync(EditOperation.Outpaint, cl, stdout, stderr, ct),
                "variations" => await EditAsync(EditOperation.Variations, cl, stdout, stderr, ct),
                "tokenize" => Tokenize(cl, stdout, stderr),
                "models" => Models(cl, stdout, stderr),
                "bench" => await BenchCommand.RunAsync(cl, stdout, stderr, ct),
                "grid" => await GridCommand.RunAsync(cl, stdout, stderr, ct),
                "dataset" => await DatasetCommand.RunAsync(cl, stdout, stderr, ct),
                "watermark" => WatermarkCommand.Run(cl, stdout, stderr),
                "worker" => await WorkerCommand.RunAsync(cl, stderr, ct),
                _ => Unknown(command, stderr),
            };
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("easel: cancelled.");
            return ExitCancelled;
        }
        catch (EaselValidationException ex)
        {
            stderr.WriteLine($"easel {command}: {ex.Message}");
            return ExitUsage;
        }
        catch (EaselException ex)
        {
            stderr.WriteLine($"easel {command}: {ex.Message}");
            return ExitFailure;
        }
    }

    private static int Unknown(string command, TextWriter stderr)
    {
        stderr.WriteLine($"easel: unknown command '{command}'. Commands: {string.Join(", ", CliHelp.Commands.Select(c => c.Command))}. Run 'easel --help'.");
        return ExitUsage;
    }

    /// <summary>Engine options from the command line over environment variables over defaults.</summary>
    internal static EaselEngine CreateEngine(CommandLine cl, TextWriter stderr, string? outputDirectory = null, Action<EaselOptions>? configure = null)
    {
        var options = EaselConfiguration.FromEnvironment();
        if (cl.String("provider") is { } provider) options.ExecutionProvider = provider;
        if (cl.String("models") is { } models) options.ModelsPath = models;
        if (outputDirectory is not null) options.OutputDirectory = outputDirectory;
        configure?.Invoke(options);
        var verbose = cl.Flag("verbose");
        var loggerFactory = LoggerFactory.Create(b => b
            .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning)
            .AddProvider(new TextWriterLoggerProvider(stderr)));
        return new EaselEngine(options, loggerFactory);
    }

    internal static GenerateRequest ReadGenerateRequest(CommandLine cl, string prompt) => new()
    {
        Prompt = prompt,
        NegativePrompt = cl.String("negative"),
        Model = cl.String("model"),
        Width = cl.Int("width"),
        Height = cl.Int("height"),
        Steps = cl.Int("steps"),
        Guidance = cl.Double("guidance"),
        GuidanceRescale = cl.Double("guidance-rescale") ?? 0,
        Scheduler = cl.String("scheduler"),
        Eta = cl.Double("eta"),
        Seed = cl.Long("seed"),
        Count = cl.Int("count") ?? 1,
    };

    private static string RequirePrompt(CommandLine cl, string command, string what = "PROMPT")
    {
        if (cl.Positionals.Count == 0)
            throw new EaselValidationException(what.ToLowerInvariant(), $"missing. Usage: easel {command} {what} [options]");
        if (cl.Positionals.Count > 1)
            throw new EaselValidationException(what.ToLowerInvariant(), $"expected one {what} but got {cl.Positionals.Count} arguments; quote it.");
        return cl.Positionals[0];
    }

    private static async Task<int> GenerateAsync(CommandLine cl, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var prompt = RequirePrompt(cl, "generate");
        var request = ReadGenerateRequest(cl, prompt);
        bool json = cl.Flag("json");
        using var engine = CreateEngine(cl, stderr, cl.String("out"));
        cl.EnsureAllUsed("generate");
        var result = await engine.GenerateAsync(request, new ProgressBar(stderr), ct);
        WriteResult(result, json, stdout, stderr);
        return ExitOk;
    }

    private static async Task<int> EditAsync(EditOperation operation, CommandLine cl, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var command = operation switch
        {
            EditOperation.Restyle => "img2img",
            EditOperation.Inpaint => "inpaint",
            EditOperation.Outpaint => "outpaint",
            _ => "variations",
        };
        string prompt = operation == EditOperation.Variations && cl.Positionals.Count == 0 ? "" : RequirePrompt(cl, command);
        var image = cl.String("image") ?? throw new EaselValidationException("image", $"required: easel {command} ... --image PATH");
        var resize = ResizeModes.Parse(cl.String("resize"));
        var request = new EditRequest
        {
            Generation = ReadGenerateRequest(cl, prompt) with { Count = cl.Int("count") ?? (operation == EditOperation.Variations ? EaselLimits.DefaultVariationCount : EaselLimits.DefaultCount) },
            Image = image,
            Strength = cl.Double("strength"),
            Resize = resize,
        };
        // Each edit reads only its own options, so another command's (--mask on img2img) is refused as unknown.
        if (operation == EditOperation.Inpaint)
            request = request with
            {
                Mask = cl.String("mask") is { } mask ? new ImageInput(mask) : null,
                MaskGrow = cl.Int("mask-grow") ?? 0,
                MaskFeather = cl.Int("mask-feather") ?? -1,
            };
        if (operation == EditOperation.Outpaint)
            request = request with { Left = cl.Int("left") ?? 0, Right = cl.Int("right") ?? 0, Top = cl.Int("top") ?? 0, Bottom = cl.Int("bottom") ?? 0 };
        bool json = cl.Flag("json");
        using var engine = CreateEngine(cl, stderr, cl.String("out"));
        cl.EnsureAllUsed(command);
        var result = await engine.EditAsync(operation, request, new ProgressBar(stderr), ct);
        WriteResult(result, json, stdout, stderr);
        return ExitOk;
    }

    internal static void WriteResult(GenerationResult result, bool json, TextWriter stdout, TextWriter stderr)
    {
        foreach (var warning in result.Warnings) stderr.WriteLine($"warning: {warning}");
        if (json)
        {
            // The field names of every Easel surface (MCP structured content, SK JSON, MEAI metadata).
            stdout.WriteLine(JsonSerializer.Serialize(new
            {
                operation = result.Images[0].Metadata.Operation,
                model = result.Model,
                images = result.Images.Select(i => new { id = i.Id, uri = i.Stored.ResourceUri, path = i.Path, file_uri = i.Stored.FileUri.AbsoluteUri, seed = i.Seed, width = i.Width, height = i.Height }),
                warnings = result.Warnings,
                seconds = Math.Round(result.Timings.Total.TotalSeconds, 3),
            }));
            return;
        }
        foreach (var image in result.Images)
            stdout.WriteLine($"{image.Path}\tseed {image.Seed}");
    }

    private static int Tokenize(CommandLine cl, TextWriter stdout, TextWriter stderr)
    {
        var text = RequirePrompt(cl, "tokenize", "TEXT");
        var model = cl.String("model");
        using var engine = CreateEngine(cl, stderr);
        cl.EnsureAllUsed("tokenize");
        var result = engine.Tokenize(text, model);
        stdout.WriteLine(JsonSerializer.Serialize(new { ids = result.Ids, count = result.Count, truncated = result.Truncated }));
        return ExitOk;
    }

    private static int Models(CommandLine cl, TextWriter stdout, TextWriter stderr)
    {
        bool json = cl.Flag("json");
        using var engine = CreateEngine(cl, stderr);
        cl.EnsureAllUsed("models");
        var models = engine.ListModels();
        if (json)
        {
            // The list_models shape of the MCP server: family as "sd1"/"sd2"/"sdxl", native_width, can_edit, ...
            stdout.WriteLine(McpJson.Serialize(models.Select(CatalogTools.Describe).ToList()));
            return ExitOk;
        }
        if (models.Count == 0)
        {
            stderr.WriteLine($"No models found. Searched: {string.Join(", ", engine.Models.SearchRoots)}");
            return ExitFailure;
        }
        foreach (var m in models)
        {
            var mark = m.IsDefault ? " (default)" : "";
            if (m.Capabilities is not { } c)
            {
                stdout.WriteLine($"{m.Name}{mark}\tERROR: {m.Error}\t{m.Path}");
                continue;
            }
            var traits = new List<string> { ModelFamilies.Name(c.Family), $"{c.NativeWidth}x{c.NativeHeight}", c.PredictionType, $"unet {c.UnetInputChannels}ch {c.UnetDtype}", $"scheduler {c.DefaultScheduler}", $"steps {c.DefaultSteps}", $"guidance {c.DefaultGuidance}" };
            if (c.IsInpaintModel) traits.Add("inpaint");
            if (c.IsLcm) traits.Add("lcm");
            if (c.IsTurbo) traits.Add("turbo");
            if (!c.HasVaeEncoder) traits.Add("no vae_encoder (no editing)");
            stdout.WriteLine($"{m.Name}{mark}\t{string.Join(", ", traits)}\t{m.Path}");
        }
        return ExitOk;
    }
}
