using Easel.Engine.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Engine.Tests.Imaging;

/// <summary>Untrusted images: identify first, cap pixels, first frame only, odd formats converted.</summary>
public class ImageLoaderTests
{
    private static string Fixture(string name) => Path.Combine(RepoPaths.Root, "tests", "fixtures", "images", name);

    [Fact]
    public void CmykJpegIsConvertedToRgb()
    {
        using var image = ImageLoader.Decode(File.ReadAllBytes(Fixture("cmyk.jpg")), 4_000_000);
        Assert.Equal((48, 40), (image.Width, image.Height));
        var centre = image.Rgb[20, 18];
        Assert.True(centre.R > 150 && centre.B < 100, $"expected red, got {centre}");
        var corner = image.Rgb[2, 2];
        Assert.True(corner.B > 150 && corner.R < 100, $"expected blue, got {corner}");
    }

    [Fact]
    public void SixteenBitGrayscaleIsConvertedTo8BitRgb()
    {
        using var image = ImageLoader.Decode(File.ReadAllBytes(Fixture("gray16.png")), 4_000_000);
        var left = image.Rgb[0, 5];
        var right = image.Rgb[39, 5];
        Assert.Equal(left.R, left.G);
        Assert.True(right.R > left.R + 100);
    }

    [Fact]
    public void AnimatedImagesUseTheFirstFrame()
    {
        using var image = ImageLoader.Decode(File.ReadAllBytes(Fixture("animated.gif")), 4_000_000);
        var p = image.Rgb[16, 16];
        Assert.True(p.R > 150 && p.G < 100 && p.B < 100, $"expected the red first frame, got {p}");
    }

    [Fact]
    public void TransparencyIsKeptAsAlpha()
    {
        using var image = ImageLoader.Decode(File.ReadAllBytes(Fixture("transparent.png")), 4_000_000);
        Assert.NotNull(image.Alpha);
        Assert.Equal(0, image.Alpha![10 * 48 + 10]);
        Assert.Equal(255, image.Alpha[30 * 48 + 40]);
    }

    [Fact]
    public void OversizedImagesAreRefusedBeforeDecoding()
    {
        // A 3000x3000 PNG of one colour compresses to a few KB but would decode to 27 MB.
        using var big = new Image<Rgb24>(3000, 3000);
        using var ms = new MemoryStream();
        big.Save(ms, new PngEncoder());
        var ex = Assert.Throws<EaselValidationException>(() => ImageLoader.Decode(ms.ToArray(), 4_000_000));
        Assert.Equal("image", ex.Field);
        Assert.Contains("9.0 megapixels", ex.Message);
        Assert.Contains("4.0 megapixel limit", ex.Message);
    }

    [Fact]
    public void NonImagesAndTruncatedFilesAreClearErrors()
    {
        var notImage = Assert.Throws<EaselValidationException>(() => ImageLoader.Decode("hello, not an image"u8.ToArray(), 4_000_000));
        Assert.Contains("not a recognised image", notImage.Message);

        var png = File.ReadAllBytes(Fixture("transparent.png"));
        var truncated = png[..(png.Length / 2)];
        var ex = Assert.ThrowsAny<EaselException>(() => ImageLoader.Decode(truncated, 4_000_000));
        Assert.Contains("image", ex.Message);
    }

    [Fact]
    public void ReferencesResolveFromPathsUrisDataUrisBase64AndStoreIds()
    {
        using var dir = new TempDir();
        var store = new ImageStore(dir.Path);
        var bytes = File.ReadAllBytes(Fixture("transparent.png"));
        var stored = store.Save(bytes, 7);
        var path = Fixture("transparent.png");

        Assert.Equal(bytes, ImageReference.Resolve(path, store));
        Assert.Equal(bytes, ImageReference.Resolve(new Uri(path).AbsoluteUri, store));
        Assert.Equal(bytes, ImageReference.Resolve("data:image/png;base64," + Convert.ToBase64String(bytes), store));
        Assert.Equal(bytes, ImageReference.Resolve(Convert.ToBase64String(bytes), store));
        Assert.Equal(bytes, ImageReference.Resolve(stored.ResourceUri, store));
        Assert.Equal(bytes, ImageReference.Resolve(stored.Id, store));

        Assert.Contains("file not found", Assert.Throws<EaselValidationException>(() => ImageReference.Resolve("/no/such/file.png", store)).Message);
        Assert.Contains("no image with id", Assert.Throws<EaselValidationException>(() => ImageReference.Resolve("easel://images/nope", store)).Message);
        Assert.Contains("not valid base64", Assert.Throws<EaselValidationException>(() => ImageReference.Resolve("data:image/png;base64,@@@@", store)).Message);
        Assert.Null(store.Find("../../etc/passwd"));
    }

    [Fact]
    public void NetworkServersCanLimitLocalReadsToAllowedFolders()
    {
        using var dir = new TempDir();
        var store = new ImageStore(Path.Combine(dir.Path, "out"));
        var bytes = File.ReadAllBytes(Fixture("transparent.png"));
        var stored = store.Save(bytes, 1);
        var outside = Fixture("transparent.png");

        var ex = Assert.Throws<EaselValidationException>(() => ImageReference.Resolve(outside, store, "image", []));
        Assert.Contains("Easel:InputFolders", ex.Message);
        Assert.Throws<EaselValidationException>(() => ImageReference.Resolve(new Uri(outside).AbsoluteUri, store, "image", []));
        Assert.Throws<EaselValidationException>(() => ImageReference.Resolve(Path.Combine(store.Directory, "..", "..", "etc", "x.png"), store, "image", []));
        Assert.Equal(bytes, ImageReference.Resolve(stored.Path, store, "image", []));      // the output folder is always allowed
        Assert.Equal(bytes, ImageReference.Resolve(stored.ResourceUri, store, "image", []));
        Assert.Equal(bytes, ImageReference.Resolve(outside, store, "image", [Path.GetDirectoryName(outside)!]));
        Assert.Equal(bytes, ImageReference.Resolve(Convert.ToBase64String(bytes), store, "image", []));
    }

    [Fact]
    public void TheStoreNeverOverwritesAndWritesWholeFilesOnly()
    {
        using var dir = new TempDir();
        var store = new ImageStore(dir.Path);
        var a = store.Save([1, 2, 3], 5);
        var b = store.Save([4, 5, 6], 5);
        Assert.NotEqual(a.Path, b.Path);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(a.Path));
        Assert.Equal([4, 5, 6], File.ReadAllBytes(b.Path));
        Assert.Equal(2, dir.Files.Length); // no temporary files left behind
        Assert.Equal(new[] { b.Id, a.Id }.OrderBy(x => x), store.Recent(10).Select(s => s.Id).OrderBy(x => x));
    }

    [Fact]
    public void DecodingLeavesOtherImageSharpReadersSeeingMetadata()
    {
        using var png = new Image<Rgb24>(4, 4);
        png.Metadata.GetPngMetadata().TextData.Add(new PngTextData("easel", "{}", "", ""));
        using var bytes = new MemoryStream();
        png.SaveAsPng(bytes);
        using (ImageLoader.Decode(bytes.ToArray(), 4_000_000)) { }
        var info = Image.Identify(bytes.ToArray());
        Assert.Contains(info.Metadata.GetPngMetadata().TextData, t => t.Keyword == "easel");
    }
}
