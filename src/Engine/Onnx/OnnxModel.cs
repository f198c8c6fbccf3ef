using System.Diagnostics;
using Easel.Engine.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = Easel.Engine.Tensors.Tensor;

namespace Easel.Engine.Onnx;

/// <summary>What a model declares for one input or output: dtype and dimensions (-1 where symbolic).</summary>
public sealed record TensorSpec(string Name, TensorElementType ElementType, int[] Dimensions, string[] SymbolicDimensions)
{
    public int Rank => Dimensions.Length;
    public bool IsFloatingPoint => ElementType is TensorElementType.Float or TensorElementType.Float16
        or TensorElementType.BFloat16 or TensorElementType.Double;

    /// <summary>The fixed size of axis <paramref name="axis"/>, or null when it is dynamic.</summary>
    public int? FixedDimension(int axis) => axis < Rank && Dimensions[axis] > 0 ? Dimensions[axis] : null;

    public string Describe() =>
        $"{Name}: {ElementType} [{string.Join(",", Dimensions.Select((d, i) => d > 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : (SymbolicDimensions[i] is { Length: > 0 } s ? s : "?")))}]";
}

/// <summary>Accumulates time spent inside ONNX Runtime so the pipeline can report its own overhead.</summary>
public sealed class RunTimings
{
    private long _ticks;
    private int _runs;
    public TimeSpan Total => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));
    public int Runs => _runs;

    internal void Add(TimeSpan elapsed)
    {
        Interlocked.Add(ref _ticks, elapsed.Ticks);
        Interlocked.Increment(ref _runs);
    }
}

/// <summary>
/// One ONNX model file as a reusable, thread-safe session. Inputs and outputs are bound by name from the
/// session metadata and converted to whatever dtype the export declares (float32/16, bfloat16, int32/64).
/// Inputs whose batch axis is fixed smaller than the request (e.g. Olive's [1,77]) are run in slices.
/// </summary>
public sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession _session;

    private OnnxModel(string path, InferenceSession session)
    {
        Path = path;
        _session = session;
        Inputs = session.InputMetadata.ToDictionary(kv => kv.Key, kv => ToSpec(kv.Key, kv.Value));
        Outputs = session.OutputMetadata.ToDictionary(kv => kv.Key, kv => ToSpec(kv.Key, kv.Value));
    }

    public string Path { get; }
    public IReadOnlyDictionary<string, TensorSpec> Inputs { get; }
    public IReadOnlyDictionary<string, TensorSpec> Outputs { get; }

    public static OnnxModel Load(string path, SessionOptionsFactory options)
    {
        if (!File.Exists(path))
            throw new EaselException($"Model file not found: {path}");
        using var sessionOptions = options.Create();
        try
        {
            return new OnnxModel(path, new InferenceSession(path, sessionOptions));
        }
        catch (OnnxRuntimeException ex)
        {
            throw new EaselException($"Cannot load ONNX model '{path}': {ex.Message.Split('\n')[0]}", ex);
        }
    }

    public bool HasInput(string name) => Inputs.ContainsKey(name);

    public TensorSpec Input(string name) => Inputs.TryGetValue(name, out var spec)
        ? spec
        : throw new EaselException($"Model '{Path}' has no input '{name}'. Its inputs: {string.Join("; ", Inputs.Values.Select(s => s.Describe()))}.");

    /// <summary>The first of <paramref name="candidates"/> the model declares as an output.</summary>
    public string OutputNamed(params string[] candidates) =>
        candidates.FirstOrDefault(Outputs.ContainsKey)
        ?? throw new EaselException($"Model '{Path}' has none of the outputs {string.Join(", ", candidates)}. Its outputs: {string.Join("; ", Outputs.Values.Select(s => s.Describe()))}.");

    /// <summary>Binds inputs and outputs of these shapes once, for runs that repeat with new values (see <see cref="OnnxBinding"/>).</summary>
    public OnnxBinding Bind(IReadOnlyDictionary<string, int[]> inputShapes, IReadOnlyDictionary<string, int[]> outputShapes) =>
        new(this, _session, inputShapes, outputShapes);

    internal void RunBinding(RunOptions runOptions, OrtIoBinding binding) => _session.RunWithBinding(runOptions, binding);

    /// <summary>Runs the model and returns the requested outputs as float32 tensors.</summary>
    public IReadOnlyDictionary<string, Tensor> Run(
        IReadOnlyDictionary<string, InputValue> inputs,
        IReadOnlyList<string> outputNames,
        RunTimings? timings = null,
        CancellationToken cancellationToken = default)
    {
        foreach (var name in Inputs.Keys)
            if (!inputs.ContainsKey(name))
                throw new EaselException($"Model '{Path}' needs input '{name}' ({Inputs[name].Describe()}), which this pipeline does not provide.");

        int batch = inputs.Values.Where(v => v.Shape.Length > 0).Select(v => v.Shape[0]).DefaultIfEmpty(1).Max();
        int slice = inputs
            .Where(kv => Inputs.ContainsKey(kv.Key) && kv.Value.Shape.Length > 0 && kv.Value.Shape[0] == batch)
            .Select(kv => Inputs[kv.Key].FixedDimension(0) ?? batch)
            .DefaultIfEmpty(batch).Min();
        if (slice >= batch || slice <= 0)
            return RunOnce(inputs, outputNames, timings, cancellationToken);

        var parts = new Dictionary<string, List<Tensor>>();
        for (int start = 0; start < batch; start += slice)
        {
            int count = Math.Min(slice, batch - start);
            var sliced = inputs.ToDictionary(kv => kv.Key,
                kv => kv.Value.Shape.Length > 0 && kv.Value.Shape[0] == batch ? kv.Value.SliceBatch(start, count) : kv.Value);
            foreach (var (name, tensor) in RunOnce(sliced, outputNames, timings, cancellationToken))
                (parts.TryGetValue(name, out var list) ? list : parts[name] = []).Add(tensor);
        }
        return parts.ToDictionary(kv => kv.Key, kv => Tensor.ConcatBatch(kv.Value));
    }

    private Dictionary<string, Tensor> RunOnce(
        IReadOnlyDictionary<string, InputValue> inputs, IReadOnlyList<string> outputNames,
        RunTimings? timings, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var ortInputs = new Dictionary<string, OrtValue>();
        try
        {
            foreach (var (name, value) in inputs)
                if (Inputs.TryGetValue(name, out var spec))
                    ortInputs[name] = ToOrtValue(spec, value);

            using var runOptions = new RunOptions();
            using var registration = cancellationToken.Register(() => runOptions.Terminate = true);
            var stopwatch = Stopwatch.StartNew();
            IDisposableReadOnlyCollection<OrtValue> results;
            try
            {
                results = _session.Run(runOptions, ortInputs, outputNames);
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
            catch (OnnxRuntimeException ex)
            {
                throw new EaselException($"ONNX Runtime failed running '{Path}': {ex.Message.Split('\n')[0]}", ex);
            }
            timings?.Add(stopwatch.Elapsed);
            using (results)
            {
                var outputs = new Dictionary<string, Tensor>();
                int i = 0;
                foreach (var value in results)
                    outputs[outputNames[i++]] = ToTensor(value);
                return outputs;
            }
        }
        finally
        {
            foreach (var v in ortInputs.Values) v.Dispose();
        }
    }

    private static OrtValue ToOrtValue(TensorSpec spec, InputValue value)
    {
        var shape = value.Shape.Select(d => (long)d).ToArray();
        int n = value.Length;
        switch (spec.ElementType)
        {
            case TensorElementType.Float:
                return OrtValue.CreateTensorValueFromMemory(value.Floats ?? Convert(value, n, v => (float)v), shape);
            case TensorElementType.Float16:
                return OrtValue.CreateTensorValueFromMemory(Convert(value, n, v => (Float16)(float)v), shape);
            case TensorElementType.BFloat16:
                return OrtValue.CreateTensorValueFromMemory(Convert(value, n, v => (BFloat16)(float)v), shape);
            case TensorElementType.Double:
                return OrtValue.CreateTensorValueFromMemory(Convert(value, n, v => v), shape);
            case TensorElementType.Int64:
                return OrtValue.CreateTensorValueFromMemory(value.Integers ?? Convert(value, n, v => (long)Math.Round(v)), shape);
            case TensorElementType.Int32:
                return OrtValue.CreateTensorValueFromMemory(Convert(value, n, v => (int)Math.Round(v)), shape);
            default:
                throw new EaselException($"Input {spec.Describe()} has a dtype Easel does not bind.");
        }
    }

    private static T[] Convert<T>(InputValue value, int n, Func<double, T> convert)
    {
        var result = new T[n];
        for (int i = 0; i < n; i++) result[i] = convert(value[i]);
        return result;
    }

    private static Tensor ToTensor(OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        var shape = info.Shape.Select(d => (int)d).ToArray();
        float[] data = info.ElementDataType switch
        {
            TensorElementType.Float => value.GetTensorDataAsSpan<float>().ToArray(),
            TensorElementType.Float16 => ConvertOut(value.GetTensorDataAsSpan<Float16>(), h => (float)h),
            TensorElementType.BFloat16 => ConvertOut(value.GetTensorDataAsSpan<BFloat16>(), h => (float)h),
            TensorElementType.Double => ConvertOut(value.GetTensorDataAsSpan<double>(), d => (float)d),
            TensorElementType.Int64 => ConvertOut(value.GetTensorDataAsSpan<long>(), d => d),
            TensorElementType.Int32 => ConvertOut(value.GetTensorDataAsSpan<int>(), d => d),
            TensorElementType.Bool => ConvertOut(value.GetTensorDataAsSpan<bool>(), b => b ? 1f : 0f), // safety checkers' flags
            var other => throw new EaselException($"Output dtype {other} is not supported."),
        };
        return new Tensor(data, shape);
    }

    private static float[] ConvertOut<T>(ReadOnlySpan<T> source, Func<T, float> convert)
    {
        var result = new float[source.Length];
        for (int i = 0; i < source.Length; i++) result[i] = convert(source[i]);
        return result;
    }

    private static TensorSpec ToSpec(string name, NodeMetadata metadata) =>
        new(name, metadata.ElementDataType, metadata.Dimensions, metadata.SymbolicDimensions);

    public void Dispose() => _session.Dispose();
}
