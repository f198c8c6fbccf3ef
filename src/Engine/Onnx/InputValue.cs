using Easel.Engine.Tensors;

namespace Easel.Engine.Onnx;

/// <summary>A value to feed a model input, in engine types; converted to the input's declared dtype when bound.</summary>
public sealed class InputValue
{
    private InputValue(float[]? floats, long[]? integers, int[] shape)
    {
        Floats = floats;
        Integers = integers;
        Shape = shape;
    }

    public float[]? Floats { get; }
    public long[]? Integers { get; }
    public int[] Shape { get; }
    public int Length => Floats?.Length ?? Integers!.Length;

    public static InputValue From(Tensor tensor) => new(tensor.Data, null, tensor.Shape);
    public static InputValue FromFloats(float[] data, params int[] shape) => new(data, null, shape);
    public static InputValue FromIntegers(long[] data, params int[] shape) => new(null, data, shape);

    public static implicit operator InputValue(Tensor tensor) => From(tensor);

    public InputValue SliceBatch(int start, int count)
    {
        int item = Length / Shape[0];
        var shape = (int[])Shape.Clone();
        shape[0] = count;
        return Floats is not null
            ? new InputValue(Floats.AsSpan(start * item, count * item).ToArray(), null, shape)
            : new InputValue(null, Integers!.AsSpan(start * item, count * item).ToArray(), shape);
    }

    public double this[int i] => Floats is not null ? Floats[i] : Integers![i];
}
