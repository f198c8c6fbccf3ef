using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Easel.Engine.Onnx;

/// <summary>
/// Inputs and outputs of fixed shapes bound once to an <see cref="OrtIoBinding"/> and reused for many runs (the
/// denoising steps): callers write float32/int64 values into <see cref="Floats"/> / <see cref="Integers"/> and read
/// <see cref="Output"/> after <see cref="Run"/>. Where the export's dtype is float32 or int64 ONNX Runtime reads and
/// writes these arrays directly (no copy, no allocation per run); other dtypes are converted into buffers that are
/// also allocated once. An export whose batch axis is fixed smaller than the bound batch (e.g. Olive's [1,…]) is run
/// as several bindings over slices of the same arrays. Not thread-safe: one binding serves one generation.
/// </summary>
public sealed class OnnxBinding : IDisposable
{
    private readonly OnnxModel _model;
    private readonly Dictionary<string, Slot> _inputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Slot> _outputs = new(StringComparer.Ordinal);
    private readonly List<OrtIoBinding> _bindings = [];
    private readonly List<OrtValue> _values = [];
    private readonly RunOptions _runOptions = new();

    internal OnnxBinding(OnnxModel model, InferenceSession session,
        IReadOnlyDictionary<string, int[]> inputShapes, IReadOnlyDictionary<string, int[]> outputShapes)
    {
        _model = model;
        try
        {
            foreach (var (name, shape) in inputShapes)
                _inputs[name] = new Slot(model.Input(name), shape);
            foreach (var (name, shape) in outputShapes)
                _outputs[name] = new Slot(model.Outputs.TryGetValue(name, out var spec) ? spec
                    : throw new EaselException($"Model '{model.Path}' has no output '{name}'."), shape);
            foreach (var name in model.Inputs.Keys)
                if (!_inputs.ContainsKey(name))
                    throw new EaselException($"Model '{model.Path}' needs input '{name}' ({model.Inputs[name].Describe()}), which this pipeline does not provide.");

            int batch = _inputs.Values.Concat(_outputs.Values).Where(s => s.Shape.Length > 0).Select(s => s.Shape[0]).DefaultIfEmpty(1).Max();
            int slice = _inputs.Values.Where(s => s.Shape.Length > 0 && s.Shape[0] == batch)
                .Select(s => s.Spec.FixedDimension(0) ?? batch).DefaultIfEmpty(batch).Min();
            if (slice <= 0 || slice > batch) slice = batch;
            for (int start = 0; start < batch; start += slice)
            {
                int count = Math.Min(slice, batch - start);
                var binding = session.CreateIoBinding();
                _bindings.Add(binding);
                foreach (var (name, slot) in _inputs)
                    binding.BindInput(name, Track(slot.CreateValue(batch, start, count)));
                foreach (var (name, slot) in _outputs)
                    binding.BindOutput(name, Track(slot.CreateValue(batch, start, count)));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The float values of <paramref name="input"/>, to write before <see cref="Run"/> (any floating dtype).</summary>
    public Span<float> Floats(string input) => Find(_inputs, input).Floats
        ?? throw new InvalidOperationException($"Input '{input}' is an integer input; use Integers.");

    /// <summary>The integer values of <paramref name="input"/> (int64 or int32 exports).</summary>
    public Span<long> Integers(string input) => Find(_inputs, input).Integers
        ?? throw new InvalidOperationException($"Input '{input}' is a floating-point input; use Floats.");

    public bool IsFloatingPoint(string input) => Find(_inputs, input).Floats is not null;

    public int[] InputShape(string input) => Find(_inputs, input).Shape;

    /// <summary>The float32 values of <paramref name="output"/> from the last <see cref="Run"/>.</summary>
    public ReadOnlySpan<float> Output(string output) => Find(_outputs, output).Floats
        ?? throw new InvalidOperationException($"Output '{output}' is not floating point.");

    /// <summary>One run over the bound arrays; time inside ONNX Runtime is added to <paramref name="timings"/>.</summary>
    public void Run(RunTimings? timings, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var slot in _inputs.Values) slot.ConvertIn();
        _runOptions.Terminate = false;
        using (cancellationToken.Register(() => _runOptions.Terminate = true))
        {
            var stopwatch = Stopwatch.StartNew();
            try
            {
                foreach (var binding in _bindings)
                    _model.RunBinding(_runOptions, binding);
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
            catch (OnnxRuntimeException ex)
            {
                throw new EaselException($"ONNX Runtime failed running '{_model.Path}': {ex.Message.Split('\n')[0]}", ex);
            }
            timings?.Add(stopwatch.Elapsed);
        }
        foreach (var slot in _outputs.Values) slot.ConvertOut();
    }

    private OrtValue Track(OrtValue value)
    {
        _values.Add(value);
        return value;
    }

    private static Slot Find(Dictionary<string, Slot> slots, string name) => slots.TryGetValue(name, out var slot)
        ? slot
        : throw new InvalidOperationException($"'{name}' is not bound.");

    public void Dispose()
    {
        foreach (var binding in _bindings) binding.Dispose();
        foreach (var value in _values) value.Dispose();
        _bindings.Clear();
        _values.Clear();
        _runOptions.Dispose();
    }

    /// <summary>One bound tensor: the engine-side array (float32 or int64) and, for other dtypes, the native-typed one.</summary>
    private sealed class Slot
    {
        private readonly Array? _typed; // null when the engine-side array is bound directly

        public Slot(TensorSpec spec, int[] shape)
        {
            Spec = spec;
            Shape = shape;
            long n = 1;
            foreach (var d in shape) n *= d;
            int length = checked((int)n);
            switch (spec.ElementType)
            {
                case TensorElementType.Float: Floats = new float[length]; break;
                case TensorElementType.Float16: Floats = new float[length]; _typed = new Float16[length]; break;
                case TensorElementType.BFloat16: Floats = new float[length]; _typed = new BFloat16[length]; break;
                case TensorElementType.Double: Floats = new float[length]; _typed = new double[length]; break;
                case TensorElementType.Int64: Integers = new long[length]; break;
                case TensorElementType.Int32: Integers = new long[length]; _typed = new int[length]; break;
                default: throw new EaselException($"{spec.Describe()} has a dtype Easel does not bind.");
            }
        }

        public TensorSpec Spec { get; }
        public int[] Shape { get; }
        public float[]? Floats { get; }
        public long[]? Integers { get; }

        /// <summary>A tensor over items [start, start+count) of the batch axis (the whole array when it has no batch axis).</summary>
        public OrtValue CreateValue(int batch, int start, int count)
        {
            bool sliced = Shape.Length > 0 && Shape[0] == batch && count != batch;
            var shape = Shape.Select(d => (long)d).ToArray();
            int item = Shape.Length == 0 || Shape[0] == 0 ? 0 : Length / Shape[0];
            int offset = sliced ? start * item : 0, length = sliced ? count * item : Length;
            if (sliced) shape[0] = count;
            return (_typed ?? (Array?)Floats ?? Integers) switch
            {
                float[] f => Create(f, offset, length, shape),
                long[] l => Create(l, offset, length, shape),
                Float16[] h => Create(h, offset, length, shape),
                BFloat16[] b => Create(b, offset, length, shape),
                double[] d => Create(d, offset, length, shape),
                int[] i => Create(i, offset, length, shape),
                _ => throw new InvalidOperationException("unbound slot"),
            };
        }

        private int Length => Floats?.Length ?? Integers!.Length;

        private static OrtValue Create<T>(T[] data, int offset, int length, long[] shape) where T : unmanaged =>
            OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<T>(data, offset, length), shape);

        public void ConvertIn()
        {
            switch (_typed)
            {
                case Float16[] h: for (int i = 0; i < h.Length; i++) h[i] = (Float16)Floats![i]; break;
                case BFloat16[] b: for (int i = 0; i < b.Length; i++) b[i] = (BFloat16)Floats![i]; break;
                case double[] d: for (int i = 0; i < d.Length; i++) d[i] = Floats![i]; break;
                case int[] n: for (int i = 0; i < n.Length; i++) n[i] = checked((int)Integers![i]); break;
            }
        }

        public void ConvertOut()
        {
            switch (_typed)
            {
                case Float16[] h: for (int i = 0; i < h.Length; i++) Floats![i] = (float)h[i]; break;
                case BFloat16[] b: for (int i = 0; i < b.Length; i++) Floats![i] = (float)b[i]; break;
                case double[] d: for (int i = 0; i < d.Length; i++) Floats![i] = (float)d[i]; break;
                case int[] n: for (int i = 0; i < n.Length; i++) Integers![i] = n[i]; break;
            }
        }
    }
}
