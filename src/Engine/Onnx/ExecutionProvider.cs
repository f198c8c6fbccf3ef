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
    private readonly OnnxRuntimeOptions _runtime;
    private readonly GraphOptimizationLevel _optimization;
    private static readonly object ArenaGate = new();
    private static bool _sameAsRequestedArena;

    public SessionOptionsFactory(ExecutionProviderKind requested, ILogger logger, int deviceId = 0, OnnxRuntimeOptions? runtime = null)
    {
        _requested = requested;
        _logger = logger;
        _deviceId = deviceId;
        _runtime = runtime ?? new OnnxRuntimeOptions();
        _optimization = ParseOptimization(_runtime.GraphOptimization);
        if (_runtime.IntraOpThreads < 0 || _runtime.IntraOpThreads > 1024)
            throw new EaselException($"Onnx:IntraOpThreads: {_runtime.IntraOpThreads} is outside the allowed range 0–1024 (0: one per physical core).");
        if (_runtime.InterOpThreads < 0 || _runtime.InterOpThreads > 1024)
            throw new EaselException($"Onnx:InterOpThreads: {_runtime.InterOpThreads} is outside the allowed range 0–1024 (0: ONNX Runtime's default).");
        if (_runtime.MallocMmapThreshold != 0 && (_runtime.MallocMmapThreshold < 4096 || _runtime.MallocMmapThreshold > OnnxRuntimeOptions.MaxMallocMmapThreshold))
            throw new EaselException($"Onnx:MallocMmapThreshold: {_runtime.MallocMmapThreshold} is outside the allowed range 4096–{OnnxRuntimeOptions.MaxMallocMmapThreshold} bytes (0: glibc's default).");
    }

    /// <summary>The session settings in use.</summary>
    public OnnxRuntimeOptions Runtime => _runtime;

    private static GraphOptimizationLevel ParseOptimization(string? name) => (name ?? "all").Trim().ToLowerInvariant() switch
    {
        "" or "all" => GraphOptimizationLevel.ORT_ENABLE_ALL,
        "extended" => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        "basic" => GraphOptimizationLevel.ORT_ENABLE_BASIC,
        "disabled" or "none" => GraphOptimizationLevel.ORT_DISABLE_ALL,
        _ => throw new EaselException($"Onnx:GraphOptimization: unknown value '{name}'. Valid values: {string.Join(", ", OnnxRuntimeOptions.GraphOptimizationNames)}."),
    };

    /// <summary>The CPU arena that grows by what is requested (kSameAsRequested), registered once per process on
    /// ONNX Runtime's environment; sessions opt in with session.use_env_allocators.</summary>
    private static void EnsureSameAsRequestedArena()
    {
        lock (ArenaGate)
        {
            if (_sameAsRequestedArena) return;
            using var memory = new OrtMemoryInfo(OrtMemoryInfo.allocatorCPU, OrtAllocatorType.ArenaAllocator, 0, OrtMemType.Default);
            using var arena = new OrtArenaCfg(0, 1, -1, -1); // max 0 = unlimited, strategy 1 = kSameAsRequested
            OrtEnv.Instance().CreateAndRegisterAllocator(memory, arena);
            _sameAsRequestedArena = true;
        }
    }

    /// <summary>The provider actually in use once the first session was created (Auto resolves to Cuda or Cpu).</summary>
    public ExecutionProviderKind Resolved => _resolved ?? _requested;

    /// <summary>Packages that ship ONNX Runtime's native library, named in the error when none loads.</summary>
    public const string NativeRuntimePackages =
        "Microsoft.ML.OnnxRuntime (CPU; Easel.Engine brings it unless its native assets are excluded), " +
        "Microsoft.ML.OnnxRuntime.Gpu (CUDA and TensorRT, Linux and Windows) or Microsoft.ML.OnnxRuntime.DirectML (Windows)";

    public SessionOptions Create()
    {
        NativeHeap.SetMmapThreshold(_runtime.MallocMmapThreshold);
        SessionOptions options;
        try
        {
            options = new SessionOptions
            {
                GraphOptimizationLevel = _optimization,
                LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
                IntraOpNumThreads = _runtime.IntraOpThreads,
                InterOpNumThreads = _runtime.InterOpThreads,
                ExecutionMode = _runtime.ParallelExecution ? ExecutionMode.ORT_PARALLEL : ExecutionMode.ORT_SEQUENTIAL,
                EnableCpuMemArena = _runtime.CpuMemoryArena,
                EnableMemoryPattern = _runtime.MemoryPattern,
            };
            if (_runtime.DisablePrepacking)
                options.AddSessionConfigEntry("session.disable_prepacking", "1");
            if (_runtime.CpuMemoryArena && _runtime.ArenaSameAsRequested)
            {
                EnsureSameAsRequestedArena();
                options.AddSessionConfigEntry("session.use_env_allocators", "1");
            }
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
