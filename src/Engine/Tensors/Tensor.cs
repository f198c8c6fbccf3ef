namespace Easel.Engine.Tensors;

/// <summary>A dense float32 tensor in row-major (NCHW) order: the engine's one in-memory tensor type.
/// ONNX dtypes (fp16, bf16, int) are converted at the session boundary, never here.</summary>
public sealed class Tensor
{
    public Tensor(float[] data, params int[] shape)
    {
        long expected = 1;
        foreach (var d in shape) expected *= d;
        if (expected != data.Length)
            throw new ArgumentException($"Tensor data has {data.Length} values but shape [{string.Join(",", shape)}] needs {expected}.");
        Data = data;
        Shape = shape;
    }

    public float[] Data { get; }
    public int[] Shape { get; }
    public int Length => Data.Length;

    public static Tensor Zeros(params int[] shape)
    {
        long n = 1;
        foreach (var d in shape) n *= d;
        return new Tensor(new float[n], shape);
    }

    /// <summary>Number of values in one batch item (everything after the first axis).</summary>
    public int ItemLength => Shape.Length == 0 ? 1 : Length / Shape[0];

    public Span<float> Item(int index) => Data.AsSpan(index * ItemLength, ItemLength);

    /// <summary>Concatenates tensors along axis 0 (batch).</summary>
    public static Tensor ConcatBatch(IReadOnlyList<Tensor> parts)
    {
        if (parts.Count == 1) return parts[0];
        var first = parts[0];
        int batch = 0;
        foreach (var p in parts)
        {
            if (p.Shape.Length != first.Shape.Length || !p.Shape.AsSpan(1).SequenceEqual(first.Shape.AsSpan(1)))
                throw new ArgumentException("Cannot concatenate tensors whose non-batch dimensions differ.");
            batch += p.Shape[0];
        }
        var data = new float[parts.Sum(p => p.Length)];
        int offset = 0;
        foreach (var p in parts)
        {
            p.Data.CopyTo(data, offset);
            offset += p.Length;
        }
        var shape = (int[])first.Shape.Clone();
        shape[0] = batch;
        return new Tensor(data, shape);
    }

    /// <summary>Concatenates [B, S, D] tensors along axis 1 (sequence), e.g. 77-token chunks into 154.</summary>
    public static Tensor ConcatSequence(IReadOnlyList<Tensor> parts)
    {
        if (parts.Count == 1) return parts[0];
        int b = parts[0].Shape[0], d = parts[0].Shape[2];
        int total = parts.Sum(p => p.Shape[1]);
        var data = new float[b * total * d];
        for (int i = 0; i < b; i++)
        {
            int offset = i * total * d;
            foreach (var p in parts)
            {
                int len = p.Shape[1] * d;
                Array.Copy(p.Data, i * len, data, offset, len);
                offset += len;
            }
        }
        return new Tensor(data, b, total, d);
    }

    /// <summary>Concatenates [B, C, ...] tensors along axis 1 (channels / features).</summary>
    public static Tensor ConcatChannels(IReadOnlyList<Tensor> parts)
    {
        if (parts.Count == 1) return parts[0];
        int b = parts[0].Shape[0];
        int total = parts.Sum(p => p.ItemLength);
        var data = new float[b * total];
        for (int i = 0; i < b; i++)
        {
            int offset = i * total;
            foreach (var p in parts)
            {
                p.Item(i).CopyTo(data.AsSpan(offset));
                offset += p.ItemLength;
            }
        }
        var shape = (int[])parts[0].Shape.Clone();
        shape[1] = parts.Sum(p => p.Shape[1]);
        return new Tensor(data, shape);
    }

    /// <summary>Concatenates tensors of equal leading dimensions along their last axis (e.g. SDXL's two text encoders).</summary>
    public static Tensor ConcatChannelsLast(IReadOnlyList<Tensor> parts)
    {
        if (parts.Count == 1) return parts[0];
        int rows = parts[0].Length / parts[0].Shape[^1];
        int total = parts.Sum(p => p.Shape[^1]);
        var data = new float[rows * total];
        for (int r = 0; r < rows; r++)
        {
            int offset = r * total;
            foreach (var p in parts)
            {
                int width = p.Shape[^1];
                Array.Copy(p.Data, r * width, data, offset, width);
                offset += width;
            }
        }
        var shape = (int[])parts[0].Shape.Clone();
        shape[^1] = total;
        return new Tensor(data, shape);
    }

    /// <summary>Pads [B,C,H,W] to [B,C,newH,newW] by repeating the last row/column (bottom and right edges).</summary>
    public Tensor PadSpatial(int newHeight, int newWidth)
    {
        int b = Shape[0], c = Shape[1], h = Shape[2], w = Shape[3];
        if (newHeight == h && newWidth == w) return this;
        var data = new float[b * c * newHeight * newWidth];
        for (int plane = 0; plane < b * c; plane++)
            for (int y = 0; y < newHeight; y++)
                for (int x = 0; x < newWidth; x++)
                    data[(plane * newHeight + y) * newWidth + x] = Data[(plane * h + Math.Min(y, h - 1)) * w + Math.Min(x, w - 1)];
        return new Tensor(data, b, c, newHeight, newWidth);
    }

    /// <summary>Keeps the top-left [height, width] of [B,C,H,W].</summary>
    public Tensor CropSpatial(int height, int width)
    {
        int b = Shape[0], c = Shape[1], h = Shape[2], w = Shape[3];
        if (height == h && width == w) return this;
        var data = new float[b * c * height * width];
        for (int plane = 0; plane < b * c; plane++)
            for (int y = 0; y < height; y++)
                Array.Copy(Data, (plane * h + y) * w, data, (plane * height + y) * width, width);
        return new Tensor(data, b, c, height, width);
    }

    public Tensor Slice(int start, int count)
    {
        var shape = (int[])Shape.Clone();
        shape[0] = count;
        return new Tensor(Data.AsSpan(start * ItemLength, count * ItemLength).ToArray(), shape);
    }

    public override string ToString() => $"Tensor[{string.Join(",", Shape)}]";
}
