using Easel.Engine.Provenance;
using Easel.Testing;
using Xunit.Abstractions;

namespace Easel.Engine.Tests.Responsible;

public class WatermarkMeasureTests(ITestOutputHelper output)
{
    [Fact]
    public void Measure()
    {
        var payload = WatermarkPayload.ForModel("easel-shapes");
        foreach (var size in new[] { 64, 128, 512 })
        {
            var acc = new Dictionary<string, List<double>>();
            var det = new Dictionary<string, int>();
            var psnr = new List<double>();
            int n = size == 512 ? 6 : 12;
            for (int s = 0; s < n; s++)
            {
                using var img = SyntheticPhotos.Create(s, size, size);
                using var marked = img.Clone();
                InvisibleWatermark.Embed(marked, payload);
                psnr.Add(SyntheticPhotos.Psnr(img, marked));
                var transforms = new Dictionary<string, Func<SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>>>
                {
                    ["png"] = () => SyntheticPhotos.PngRoundTrip(marked),
                    ["jpeg90"] = () => SyntheticPhotos.Jpeg(marked, 90),
                    ["jpeg75"] = () => SyntheticPhotos.Jpeg(marked, 75),
                    ["jpeg50"] = () => SyntheticPhotos.Jpeg(marked, 50),
                    ["resize0.75"] = () => SyntheticPhotos.Scale(marked, 0.75),
                    ["crop10"] = () => SyntheticPhotos.CropCentre(marked, 0.10),
                    ["unmarked"] = () => img.Clone(),
                };
                foreach (var (name, make) in transforms)
                {
                    using var t = make();
                    var d = InvisibleWatermark.Detect(t);
                    (acc.TryGetValue(name, out var l) ? l : acc[name] = []).Add(d.BitAccuracy(payload));
                    det[name] = det.GetValueOrDefault(name) + (d.Detected ? 1 : 0);
                }
            }
            output.WriteLine($"size {size}: psnr min {psnr.Min():F1} mean {psnr.Average():F1}");
            foreach (var (name, l) in acc) output.WriteLine($"  {name}: mean {l.Average():F3} min {l.Min():F3} detected {det[name]}/{n}");
        }
    }
}
