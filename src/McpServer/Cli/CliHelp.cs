using Easel.Engine.Vocabulary;

namespace Easel.McpServer.Cli;

/// <summary>The help text of each <c>easel</c> command, and the overview built from them.</summary>
internal static class CliHelp
{
    // The ranges are the engine's own limits (EaselLimits), so the help and the checks cannot disagree.
    private static readonly string Common = $$"""

        Common options: --model NAME|DIR, --negative TEXT, --width N, --height N (multiples of 8 up to {{EaselLimits.MaxSide}}),
        --steps N (1–{{EaselLimits.MaxSteps}}), --guidance X (0–{{EaselLimits.MaxGuidance}}), --guidance-rescale X, --scheduler NAME, --eta X, --seed N,
        --out DIR, --json, --provider auto|cpu|cuda|tensorrt|directml|coreml (or EASEL_EXECUTION_PROVIDER),
        --models DIR (extra model folder; EASEL_MODELS also works), --verbose.
        Schedulers: ddim, euler, euler_a, dpmpp_2m, dpmpp_2m_karras, lcm, pndm.
        A prompt that starts with '-' goes after '--':  easel generate -- "-shaped logo"
        """;

    /// <summary>Each command's synopsis, in the order the overview lists them.</summary>
    public static readonly IReadOnlyList<(string Command, string Synopsis)> Commands =
    [
        ("generate", $"easel generate PROMPT [--count N (1–{EaselLimits.MaxCount})] [common options]"),
        ("img2img", "easel img2img PROMPT --image IMG [--strength X] [--resize fit|fill|stretch] [common options]"),
        ("inpaint", $"easel inpaint PROMPT --image IMG [--mask IMG] [--strength X] [--mask-grow PX] [--mask-feather PX] (0–{EaselLimits.MaxMaskPixels} each) [common options]"),
        ("outpaint", "easel outpaint PROMPT --image IMG [--left PX] [--right PX] [--top PX] [--bottom PX] [--strength X] [common options]"),
        ("variations", $"easel variations [PROMPT] --image IMG [--count N (1–{EaselLimits.MaxCount}, default {EaselLimits.DefaultVariationCount})] [--strength X] [common options]"),
        ("grid", $"easel grid PROMPT --x KIND=V1,V2,... [--y KIND=V1,V2,...] [--image IMG --strength X] [common options]   (KIND: seed, guidance, steps, scheduler, strength, prompt (S/R: the first value is replaced by each), model; at most {EaselLimits.MaxGridCells} cells)"),
        ("dataset", "easel dataset --out DIR (--prompts FILE | --template TEXT [--slots \"name=a,b;other=x,y\"] | --grammar [--judge]) [--images-per-prompt N] [--sample N] [--validation FRACTION] [--seed N] [--queue HOST:PORT] [common options]   (Hugging Face imagefolder; rerun to resume; --queue: split across the workers, docs/scale-out.md)"),
        ("tokenize", "easel tokenize TEXT [--model NAME|DIR]"),
        ("models", "easel models [--json] [--models DIR]"),
        ("bench", "easel bench [PROMPT] [--model NAME|DIR] [--width N] [--height N] [--steps N] [--guidance X] [--runs N] [--warmup N] [--json]"),
        ("watermark", "easel watermark detect IMAGE... [--model NAME] [--json]   (exit 0: every image carries Easel's watermark, 1: some do not)"),
        ("serve", "easel serve [--http] [--urls URL[;URL]] [--models DIR] [--provider P] [--out DIR] [--verbose]   (MCP over stdio, or Streamable HTTP at /mcp)"),
        ("worker", "easel worker --queue HOST:PORT [--model NAME[,NAME]] [--models DIR] [--provider P] [--name ID] [--claim-idle SECONDS] [--max-attempts N] [--shared-folder DIR] [--verbose]   (runs queued jobs, docs/scale-out.md)"),
        ("help", "easel help [COMMAND]   (also: easel --help, easel COMMAND --help or -h; easel --version)"),
    ];

    private static readonly HashSet<string> WithCommonOptions = ["generate", "img2img", "inpaint", "outpaint", "variations", "grid", "dataset"];

    public static string Overview =>
        "easel — local diffusion images for agents (ONNX Runtime)\n\nUsage:\n" +
        string.Join("\n", Commands.Select(c => "  " + c.Synopsis)) + "\n" + Common;

    /// <summary>The help of one command, or null for an unknown one.</summary>
    public static string? For(string command) => Commands.FirstOrDefault(c => c.Command == command) is { Synopsis: { } synopsis }
        ? "Usage: " + synopsis + (WithCommonOptions.Contains(command) ? "\n" + Common : "")
        : null;

    /// <summary>Whether the arguments ask for help (<c>--help</c> or <c>-h</c> before any <c>--</c>).</summary>
    public static bool Requested(IEnumerable<string> args) =>
        args.TakeWhile(a => a != "--").Any(a => a is "--help" or "-h");
}
