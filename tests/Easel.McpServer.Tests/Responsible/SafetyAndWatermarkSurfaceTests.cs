using Easel.McpServer.Cli;
using Easel.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.McpServer.Tests.Responsible;

/// <summary>The safety checker and the watermark on the CLI and over MCP.</summary>
public class SafetyAndWatermarkSurfaceTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task CliExitsNonZeroWhenAModelsOwnCheckerWithholdsEveryImage()
    {
        using var dir = new TempDir();
        var model = SafetyFixtures.ModelWithChecker(dir.Path, "always");
        var output = Path.Combine(dir.Path, "out");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CliApp.RunAsync(["generate", "a red circle", "--model", model, "--steps", "2", "--out", output, "--provider", "cpu"], stdout, stderr, CancellationToken.None)
            .WaitAsync(Limit);
        Assert.Equal(CliApp.ExitFailure, code);
        var lines = stderr.ToString().Trim().Split('\n');
        Assert.Equal("easel generate: safety checker: 1 of 1 image(s) flagged as unsafe and withheld; nothing was saved (Easel:SafetyChecker = block).", lines[^1].Trim());
        Assert.Contains(lines, l => l.Contains("safety checker: flagged image 0")); // the audit line
        Assert.Equal("", stdout.ToString());
        Assert.Empty(Directory.Exists(output) ? Directory.GetFiles(output, "*.png") : []);
    }

    [Fact]
    public async Task CliDetectsTheWatermarkOfAGeneratedImageAfterJpegAndNotOnAnUnmarkedOne()
    {
        using var dir = new TempDir();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.Equal(CliApp.ExitOk, await CliApp.RunAsync(["generate", "a red circle on a blue background", "--seed", "4", "--steps", "3", "--out", dir.Path, "--provider", "cpu"], stdout, stderr, CancellationToken.None).WaitAsync(Limit));
        var png = stdout.ToString().Split('\t')[0].Trim();
        var jpeg = Path.Combine(dir.Path, "copy.jpg");
        using (var image = Image.Load<Rgb24>(png))
            image.Save(jpeg, new SixLabors.ImageSharp.Formats.Jpeg.JpegEncoder { Quality = 75 });
        var unmarked = Path.Combine(RepoPaths.Root, "tests", "fixtures", "images", "transparent.png");

        stdout = new StringWriter();
        int code = await CliApp.RunAsync(["watermark", "detect", png, jpeg, "--model", "easel-shapes"], stdout, stderr, CancellationToken.None).WaitAsync(Limit);
        Assert.Equal(CliApp.ExitOk, code);
        var lines = stdout.ToString().Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Contains("\tdetected\tknown bits", l));
        Assert.StartsWith(png + "\tdetected\tknown bits 24/24 (100.0 %)", lines[0]);
        Assert.Contains("bit accuracy for model 'easel-shapes' 100.0 % of 48", lines[0]);

        stdout = new StringWriter();
        code = await CliApp.RunAsync(["watermark", "detect", unmarked, "--json"], stdout, stderr, CancellationToken.None).WaitAsync(Limit);
        Assert.Equal(CliApp.ExitFailure, code);
        var report = System.Text.Json.JsonDocument.Parse(stdout.ToString()).RootElement[0];
        Assert.False(report.GetProperty("detected").GetBoolean());
        Assert.True(report.GetProperty("known_bit_accuracy").GetDouble() < 0.9);

        stderr = new StringWriter();
        Assert.Equal(CliApp.ExitUsage, await CliApp.RunAsync(["watermark", "detect"], stdout, stderr, CancellationToken.None).WaitAsync(Limit));
        Assert.Contains("Usage: easel watermark detect IMAGE", stderr.ToString());
        Assert.Equal(CliApp.ExitUsage, await CliApp.RunAsync(["watermark", "detect", Path.Combine(dir.Path, "missing.png")], stdout, stderr, CancellationToken.None).WaitAsync(Limit));
        Assert.Contains("image: file not found", stderr.ToString());
    }

    [Fact]
    public async Task McpBlockIsAnErrorResultAndFlagAWarning()
    {
        await using (var blocking = await InProcessServer.StartAsync(o => o.SafetyCheckerPath = SafetyFixtures.Checker("always")).WaitAsync(Limit))
        {
            var result = await blocking.CallAsync("generate_image", new { prompt = "a red circle", steps = 2 }).WaitAsync(Limit);
            Assert.True(result.IsError);
            Assert.Contains("safety checker: 1 of 1 image(s) flagged as unsafe and withheld; nothing was saved", result.Text());
            Assert.Empty(blocking.Output.Pngs);
        }
        await using var flagging = await InProcessServer.StartAsync(o =>
        {
            o.SafetyCheckerPath = SafetyFixtures.Checker("always");
            o.SafetyChecker = "flag";
        }).WaitAsync(Limit);
        var flagged = (await flagging.CallAsync("generate_image", new { prompt = "a red circle", steps = 2, seed = 9 }).WaitAsync(Limit)).Ok();
        var warning = Assert.Single(flagged.Structured().GetProperty("warnings").EnumerateArray()).GetString();
        Assert.StartsWith("safety checker: image 0 (seed 9) was flagged as unsafe; saved", warning);
        Assert.Contains("warning: safety checker: image 0 (seed 9) was flagged", flagged.Text());
        Assert.Single(flagging.Output.Pngs);
    }
}
