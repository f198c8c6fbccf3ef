using System.Globalization;
using Easel.Engine;
using Easel.Engine.Imaging;
using Easel.Engine.Provenance;
using Easel.McpServer.Mcp;

namespace Easel.McpServer.Cli;

/// <summary><c>easel watermark detect IMAGE...</c>: whether each image carries Easel's invisible watermark, and how well it reads.</summary>
internal static class WatermarkCommand
{
    public static int Run(CommandLine cl, TextWriter stdout, TextWriter stderr)
    {
        if (cl.Positionals is not ["detect", _, ..])
            throw new EaselValidationException("image", "missing. Usage: easel watermark detect IMAGE... [--model NAME] [--json]");
        var model = cl.String("model");
        bool json = cl.Flag("json");
        using var engine = CliApp.CreateEngine(cl, stderr);
        cl.EnsureAllUsed("watermark");
        var reports = new List<object>();
        bool all = true;
        foreach (var path in cl.Positionals.Skip(1))
        {
            var reading = engine.DetectWatermark(LocalFile.ReadRegular(path, ImageReference.MaxFileBytes, "image"));
            all &= reading.Detected;
            double? modelAccuracy = model is null ? null : reading.BitAccuracy(WatermarkPayload.ForModel(model));
            if (json)
            {
                reports.Add(new
                {
                    path,
                    detected = reading.Detected,
                    known_bit_accuracy = Math.Round(reading.KnownBitAccuracy, 4),
                    lattice_fit = Math.Round(reading.LatticeFit, 4),
                    version = reading.Detected ? reading.Payload.FormatVersion : (int?)null,
                    model_hash = reading.Detected ? reading.Payload.ModelHash.ToString("x6", CultureInfo.InvariantCulture) : null,
                    model_bit_accuracy = modelAccuracy is { } m ? Math.Round(m, 4) : (double?)null,
                });
                continue;
            }
            var known = (int)Math.Round(reading.KnownBitAccuracy * WatermarkPayload.KnownBits);
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{path}\t{(reading.Detected ? "detected" : "not detected")}\tknown bits {known}/{WatermarkPayload.KnownBits} ({reading.KnownBitAccuracy:P1}), lattice fit {reading.LatticeFit:F2}");
            if (reading.Detected) line += string.Create(CultureInfo.InvariantCulture, $", version {reading.Payload.FormatVersion}, model hash {reading.Payload.ModelHash:x6}");
            if (modelAccuracy is { } accuracy) line += string.Create(CultureInfo.InvariantCulture, $", bit accuracy for model '{model}' {accuracy:P1} of {WatermarkPayload.Bits}");
            stdout.WriteLine(line);
        }
        if (json) stdout.WriteLine(McpJson.Serialize(reports));
        return all ? CliApp.ExitOk : CliApp.ExitFailure;
    }
}
