using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace Easel.Engine.Onnx;

/// <summary>Which ONNX Runtime execution provider runs the models. <c>Auto</c> tries CUDA and falls back to CPU.</summary>
public enum ExecutionProviderKind { Auto, Cpu, Cuda, TensorRT, DirectML, CoreML }

public static class ExecutionProviders
{
    public static IReadOnlyList<string> Names { get; } = ["auto", "cpu", "cuda", "tensorrt", "directml", "coreml"];

    public static ExecutionProviderKind Parse(string? name) => (name ?? "auto").Trim().ToLowerInvariant() switch
    {
        "" or "auto" => ExecutionProviderKind.Auto,
        "cpu" => ExecutionProviderKind.Cpu,
        "cuda" => ExecutionProviderKind.Cuda,
        "tensorrt" or "trt" => ExecutionProviderKind.TensorRT,
        "directml" or "dml" => ExecutionProviderKind.DirectML,
        "coreml" => ExecutionProviderKind.CoreML,
        _ => throw new EaselException($"executionProvider: unknown value '{name}'. Valid values: {string.Join(", ", Names)}."),
    };
}

/// <summary>Builds <see cref="SessionOptions"/> for the configured provider, once per process decision.</summary>
public sealed class SessionOptionsFactory
{
    private readonly ExecutionProviderKind _requested;
    private readonly ILogger _logger;
    private readonly int _deviceId;
    private readonly object _gate = new();
    private ExecutionProviderKind? _resolved;

    public SessionOptionsFactory(ExecutionProviderKind requested, ILogger logger, int deviceId = 0)
    {
        _requested = requested;
        _logger = logger;
        _deviceId = deviceId;
    }

    /// <summary>The provider actually in use once the first session was created (Auto resolves to Cuda or Cpu).</summary>
    public ExecutionProviderKind Resolved => _resolved ?? _requested;

    public SessionOptions Create()
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        lock (_gate)
        {
            var kind = _resolved ?? _requested;
            if (kind == ExecutionProviderKind.Auto)
            {
                // A missing CUDA install is the expected case on CPU machines: keep ORT's own error log quiet
                // while probing, and log one line of our own instead.
                var env = OrtEnv.Instance();
                var level = env.EnvLogLevel;
                env.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
                bool cuda;
                string error;
                try { cuda = TryAppend(options, ExecutionProviderKind.Cuda, out error); }
                finally { env.EnvLogLevel = level; }
                if (cuda)
                {
                    _resolved = ExecutionProviderKind.Cuda;
                    _logger.LogInformation("Execution provider: CUDA (device {Device})", _deviceId);
                }
                else
                {
                    _resolved = ExecutionProviderKind.Cpu;
                    _logger.LogInformation("Execution provider: CPU (CUDA unavailable: {Reason})", error);
                }
                return options;
            }
            if (kind != ExecutionProviderKind.Cpu && !TryAppend(options, kind, out var reason))
            {
                options.Dispose();
                throw new EaselException(
                    $"executionProvider: '{kind.ToString().ToLowerInvariant()}' is not available in this ONNX Runtime build ({reason}). " +
                    $"Available here: {string.Join(", ", OrtEnv.Instance().GetAvailableProviders())}. Use 'auto' or 'cpu'.");
            }
            _resolved = kind;
            return options;
        }
    }

    private bool TryAppend(SessionOptions options, ExecutionProviderKind kind, out string error)
    {
        error = "";
        try
        {
            switch (kind)
            {
                case ExecutionProviderKind.Cuda: options.AppendExecutionProvider_CUDA(_deviceId); break;
                case ExecutionProviderKind.TensorRT:
                    options.AppendExecutionProvider_Tensorrt(_deviceId);
                    options.AppendExecutionProvider_CUDA(_deviceId);
                    break;
                case ExecutionProviderKind.DirectML: options.AppendExecutionProvider("DML"); break;
                case ExecutionProviderKind.CoreML: options.AppendExecutionProvider("CoreML"); break;
            }
            return true;
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException or NotSupportedException or NotImplementedException)
        {
            error = ex.Message.Split('\n')[0];
            return false;
        }
    }
}
