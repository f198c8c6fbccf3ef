using System.Buffers.Binary;
using System.Text;
using Easel.Engine.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Engine.Tests.Imaging;

/// <summary>
/// Easel writes its PNGs itself (filtering, chunks, CRCs); ImageSharp's decoder, which checks every chunk's CRC and
/// the zlib stream, is the independent reader here.
/// </summary>
public class PngCodecTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 5)]
    [InlineData(64, 64)]
    [InlineData(300, 17)]
    public void EveryPixelSurvivesAnotherDecoder(int width, int height)
    {
        using var image = Noise(width, height, seed: width * 31 + height);
        var png = PngCodec.Encode(image, Metadata("a red circle"));

        using var decoded = Image.Load<Rgb24>(png);
        Assert.Equal(width, decoded.Width);
        Assert.Equal(height, decoded.Height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                Assert.Equal(image[x, y], decoded[x, y]);
    }

    [Fact]
    public void AsciiTextIsTextChunksAndOtherTextIsUtf8InternationalText()
    {
        using var image = Noise(16, 16, seed: 3);
        const string unicode = "un cercle rouge — 赤い円";
        var ascii = PngCodec.Encode(image, Metadata("a red circle"));
        var international = PngCodec.Encode(image, Metadata(unicode));

        Assert.Equal(["IHDR", "iTXt", "tEXt", "tEXt", "IDAT", "IEND"], ChunkTypes(ascii));
        // The JSON escapes what is not ASCII, so it stays tEXt.
        Assert.Equal(["IHDR", "iTXt", "iTXt", "tEXt", "IDAT", "IEND"], ChunkTypes(international));
        foreach (var (png, prompt) in new[] { (ascii, "a red circle"), (international, unicode) })
        {
            Assert.Equal(prompt, PngCodec.ReadMetadata(png)!.Prompt);
            // ImageSharp reads the same text back.
            var text = Image.Identify(png).Metadata.GetPngMetadata().TextData;
            Assert.StartsWith(prompt, text.Single(t => t.Keyword == PngCodec.ParametersKeyword).Value, StringComparison.Ordinal);
            Assert.Equal(prompt, ImageMetadata.FromJson(text.Single(t => t.Keyword == PngCodec.JsonKeyword).Value)!.Prompt);
        }
    }

    [Fact]
    public void APreviewHasNoTextChunks()
    {
        using var image = Noise(8, 8, seed: 4);
        Assert.Equal(["IHDR", "IDAT", "IEND"], ChunkTypes(PngCodec.Encode(image, null)));
    }

    private static ImageMetadata Metadata(string prompt) => new()
    {
        Prompt = prompt,
        Model = "easel-shapes",
        Width = 16,
        Height = 16,
        Steps = 20,
        Guidance = 7.5,
        Scheduler = "ddim",
        Seed = 1,
    };

    private static Image<Rgb24> Noise(int width, int height, int seed)
    {
        var random = new Random(seed);
        var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                image[x, y] = new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
        return image;
    }

    private static List<string> ChunkTypes(byte[] png)
    {
        var types = new List<string>();
        for (int at = 8; at + 12 <= png.Length;)
        {
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            types.Add(Encoding.ASCII.GetString(png, at + 4, 4));
            at += 12 + length;
        }
        return types;
    }
}
