using System.Diagnostics;
using System.Xml.Linq;
using Easel.Engine.Imaging;
using Easel.Engine.Pipelines;
using Easel.Engine.Provenance;

namespace Easel.Engine.Tests.Responsible;

/// <summary>Every PNG is labelled as AI-made in XMP; checked by a hand XML parse and by exiftool, an independent reader.</summary>
public class AiContentLabelTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private static readonly XNamespace Rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    private static readonly XNamespace Iptc = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/";
    private static readonly XNamespace Xmp = "http://ns.adobe.com/xap/1.0/";

    [Fact]
    public async Task GeneratedAndEditedPngsCarryTheirDigitalSourceType()
    {
        using var output = new TempDir();
        using var engine = new EaselEngine(new EaselOptions { OutputDirectory = output.Path, ExecutionProvider = "cpu" });
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var generated = await engine.GenerateAsync(new GenerateRequest { Prompt = "a red circle on a blue background", Seed = 1, Steps = 4 })
            .WaitAsync(Timeout);
        var edited = await engine.RestyleAsync(new EditRequest
        {
            Generation = new GenerateRequest { Prompt = "a green square on a white background", Seed = 2, Steps = 4 },
            Image = generated.Images[0].Path,
        }).WaitAsync(Timeout);

        var txt2img = Describe(File.ReadAllBytes(generated.Images[0].Path));
        Assert.Equal(XmpLabel.TrainedAlgorithmicMedia, (string?)txt2img.Attribute(Iptc + "DigitalSourceType"));
        Assert.Equal($"Easel {EngineInfo.Version}", (string?)txt2img.Attribute(Xmp + "CreatorTool"));
        var created = DateTimeOffset.Parse((string)txt2img.Attribute(Xmp + "CreateDate")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(created, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal("easel-shapes", (string?)txt2img.Element(Iptc + "AOModelName"));

        var img2img = Describe(File.ReadAllBytes(edited.Images[0].Path));
        Assert.Equal(XmpLabel.CompositeWithTrainedAlgorithmicMedia, (string?)img2img.Attribute(Iptc + "DigitalSourceType"));

        // The A1111 parameters and the JSON chunk are still there.
        var text = PngCodec.ReadText(File.ReadAllBytes(edited.Images[0].Path));
        Assert.Contains("Operation: img2img", text[PngCodec.ParametersKeyword]);
        Assert.Equal("img2img", PngCodec.ReadMetadata(File.ReadAllBytes(edited.Images[0].Path))!.Operation);

        // exiftool (Debian libimage-exiftool-perl; .ci/run installs it) reads the label as other tools do.
        Assert.Equal(XmpLabel.TrainedAlgorithmicMedia, ExifTool("-XMP-iptcExt:DigitalSourceType", generated.Images[0].Path));
        Assert.Equal(XmpLabel.CompositeWithTrainedAlgorithmicMedia, ExifTool("-XMP-iptcExt:DigitalSourceType", edited.Images[0].Path));
        Assert.Equal($"Easel {EngineInfo.Version}", ExifTool("-XMP-xmp:CreatorTool", generated.Images[0].Path));
        Assert.Contains("Steps: 4", ExifTool("-PNG:Parameters", generated.Images[0].Path));
    }

    [Fact]
    public void MetadataTextIsEscapedInTheXmlPacket()
    {
        var metadata = new ImageMetadata
        {
            Prompt = "p",
            Model = "odd <model> & \"name\"",
            Width = 8,
            Height = 8,
            Steps = 1,
            Guidance = 1,
            Scheduler = "ddim",
            Seed = 0,
        };
        var xmp = XmpLabel.Build(metadata, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var description = XDocument.Parse(xmp).Descendants(Rdf + "Description").Single();
        Assert.Equal("odd <model> & \"name\"", (string?)description.Element(Iptc + "AOModelName"));
        Assert.Equal("2026-01-02T03:04:05Z", (string?)description.Attribute(Xmp + "CreateDate"));
    }

    private static XElement Describe(byte[] png)
    {
        var xmp = PngChunks.ReadInternationalText(png, XmpLabel.PngKeyword);
        Assert.NotNull(xmp);
        return XDocument.Parse(xmp).Descendants(Rdf + "Description").Single();
    }

    private static string ExifTool(string tag, string path)
    {
        var start = new ProcessStartInfo("exiftool") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-s3", tag, path }) start.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Assert.Fail($"exiftool is needed (Debian: apt-get install libimage-exiftool-perl; .ci/run installs it): {ex.Message}");
            throw;
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(30_000)) { process.Kill(); Assert.Fail("exiftool did not finish within 30 s"); }
            Assert.Equal(0, process.ExitCode);
            return stdout.Result.Trim();
        }
    }
}
