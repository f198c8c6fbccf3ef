using Easel.Engine.Tensors;

namespace Easel.Engine.Tests.Pipelines;

/// <summary>Tensor padding, cropping and concatenation as the UNet inputs use them.</summary>
public class TensorLayoutTests
{
    [Fact]
    public void SpatialPadRepeatsEdgesAndCropUndoesIt()
    {
        var t = new Tensor([1, 2, 3, 4, 5, 6], 1, 1, 2, 3);
        var padded = t.PadSpatial(4, 4);
        Assert.Equal([1, 1, 4, 4], padded.Shape);
        Assert.Equal(new float[] { 1, 2, 3, 3, 4, 5, 6, 6, 4, 5, 6, 6, 4, 5, 6, 6 }, padded.Data);
        Assert.Equal(t.Data, padded.CropSpatial(2, 3).Data);
    }

    [Fact]
    public void ConcatenationsKeepItemsTogether()
    {
        var a = new Tensor([1, 2, 3, 4], 2, 1, 2); // [B=2, S=1, D=2]
        var b = new Tensor([5, 6, 7, 8], 2, 1, 2);
        Assert.Equal(new float[] { 1, 2, 5, 6, 3, 4, 7, 8 }, Tensor.ConcatSequence([a, b]).Data);
        Assert.Equal(new float[] { 1, 2, 5, 6, 3, 4, 7, 8 }, Tensor.ConcatChannelsLast([a, b]).Data);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, Tensor.ConcatBatch([a, b]).Data);
        Assert.Equal([4, 1, 2], Tensor.ConcatBatch([a, b]).Shape);
    }
}
