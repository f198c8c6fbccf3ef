using Easel.Engine.Imaging;

namespace Easel.Engine.Tests.Pipelines;

/// <summary>Mask growing, feathering, pooling to the latent grid and compositing.</summary>
public class MaskTests
{
    [Fact]
    public void MasksGrowFeatherAndPoolToTheLatentGrid()
    {
        var mask = new Mask(16, 16);
        mask.Values[8 * 16 + 8] = 1;
        var grown = mask.Grow(2);
        Assert.Equal(25, grown.Values.Count(v => v == 1));
        var feathered = grown.Feather(4);
        Assert.True(feathered[8, 8] < 1 && feathered[8, 8] > 0.3f);
        Assert.True(feathered[3, 8] > 0 && feathered[0, 0] < 0.01f);
        var grid = mask.ToLatentGrid(8);
        Assert.Equal(new float[] { 0, 0, 0, 1 }, grid);
        var composite = new Mask(2, 1, [1f, 0f]);
        using var gen = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(2, 1, new SixLabors.ImageSharp.PixelFormats.Rgb24(200, 0, 0));
        using var orig = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(2, 1, new SixLabors.ImageSharp.PixelFormats.Rgb24(0, 0, 200));
        using var result = composite.Composite(gen, orig);
        Assert.Equal(new SixLabors.ImageSharp.PixelFormats.Rgb24(200, 0, 0), result[0, 0]);
        Assert.Equal(new SixLabors.ImageSharp.PixelFormats.Rgb24(0, 0, 200), result[1, 0]);
    }
}
