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

    /// <summary>Packages that ship ONNX Runtime's native library, named in the error when none loads.</summary>
    public const string NativeRuntimePackages =
        "Microsoft.ML.OnnxRuntime (CPU; Easel.Engine brings it unless its native assets are excluded), " +
        "Microsoft.ML.OnnxRuntime.Gpu (CUDA and TensorRT, Linux and Windows) or Microsoft.ML.OnnxRuntime.DirectML (Windows)";

    public SessionOptions Create()
    {
        SessionOptions options;
        try
        {
            options = new SessionOptions
            {
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            };
        }
        catch (Exception ex) when (ex is TypeInitializationException or DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            // The managed API is there but no native onnxruntime library loads for this platform.
            var cause = ex is TypeInitializationException { InnerException: { } inner } ? inner : ex;
            throw new EaselException(
                $"executionProvider: ONNX Runtime's native library could not be loaded ({cause.GetType().Name}: {cause.Message.Split('\n')[0]}). " +
                $"Reference one package that ships it: {NativeRuntimePackages}; a RID-specific publish needs one of " +
                "win-x64, win-arm64, linux-x64, linux-arm64, osx-arm64.", ex);
        }
        lock (_gate)
        {
            var kind = _resolved ?? _requested;
            if (kind == ExecutionProviderKind.Auto)
            {
                if (TryAppendQuietly(options, ExecutionProviderKind.Cuda, out var error))
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
            if (kind != ExecutionProviderKind.Cpu && !TryAppendQuietly(options, kind, out var reason))
            {
                options.Dispose();
                throw new EaselException(
                    $"executionProvider: '{kind.ToString().ToLowerInvariant()}' could not be started ({reason}). " +
                    $"Providers in this ONNX Runtime build: {string.Join(", ", OrtEnv.Instance().GetAvailableProviders())}; " +
                    "a GPU provider also needs its runtime libraries (e.g. CUDA and cuDNN for 'cuda'). Use 'auto' or 'cpu' to run on the CPU.");
            }
            _resolved = kind;
            return options;
        }
    }

    /// <summary>Probes a provider with ONNX Runtime's own error log muted: a missing GPU runtime is an expected
    /// outcome here, reported once in our own words instead.</summary>
    private bool TryAppendQuietly(SessionOptions options, ExecutionProviderKind kind, out string error)
    {
        var env = OrtEnv.Instance();
        var level = env.EnvLogLevel;
        env.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
        try { return TryAppend(options, kind, out error); }
        finally { env.EnvLogLevel = level; }
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
