namespace Easel.Engine.Onnx;

/// <summary>
/// ONNX Runtime session settings, configuration section <c>Easel:Onnx</c> (environment <c>Easel__Onnx__*</c>).
/// The defaults are what measured best on CPU (README, Performance); a GPU provider ignores the CPU-only ones.
/// </summary>
public sealed class OnnxRuntimeOptions
{
    /// <summary>Threads one operator may use (<c>Easel:Onnx:IntraOpThreads</c>, EASEL_INTRA_OP_THREADS); 0: ONNX Runtime's default, one per physical core.</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Threads running independent operators in parallel (<c>Easel:Onnx:InterOpThreads</c>); 0: ONNX Runtime's default.
    /// Only used when <see cref="ParallelExecution"/> is on.</summary>
    public int InterOpThreads { get; set; }

    /// <summary>Run independent graph branches in parallel (<c>Easel:Onnx:ParallelExecution</c>); diffusion graphs are chains, so off.</summary>
    public bool ParallelExecution { get; set; }

    /// <summary>disabled | basic | extended | all (<c>Easel:Onnx:GraphOptimization</c>, EASEL_GRAPH_OPTIMIZATION).</summary>
    public string GraphOptimization { get; set; } = "all";

    /// <summary>ONNX Runtime's CPU memory arena (<c>Easel:Onnx:CpuMemoryArena</c>): it keeps freed blocks for reuse, which holds
    /// a large UNet's peak activations for the life of the session. Off by default: at 512² on an SD1.5 UNet it raised
    /// peak RSS from 7.7 to 8.6 GB with no faster generation (README, Performance).</summary>
    public bool CpuMemoryArena { get; set; }

    /// <summary>Grow the CPU arena by exactly what is requested instead of doubling (<c>Easel:Onnx:ArenaSameAsRequested</c>).</summary>
    public bool ArenaSameAsRequested { get; set; }

    /// <summary>Plan activation memory from the first run's shapes (<c>Easel:Onnx:MemoryPattern</c>).</summary>
    public bool MemoryPattern { get; set; } = true;

    /// <summary>Keep weights in their stored layout instead of a pre-packed copy per MatMul/Conv (<c>Easel:Onnx:DisablePrepacking</c>).</summary>
    public bool DisablePrepacking { get; set; }

    /// <summary>Create the components' sessions in parallel when a model is first used (<c>Easel:Onnx:ParallelSessionCreation</c>).</summary>
    public bool ParallelSessionCreation { get; set; } = true;

    /// <summary>Linux (glibc): blocks of at least this many bytes get their own mapping and are returned to the system
    /// when freed (<c>Easel:Onnx:MallocMmapThreshold</c>); 0 leaves glibc's default. 1 MiB by default: it lowered peak RSS
    /// at 512² on an SD1.5-sized model by 0.5 GB (README, Performance). Set once per process, before the first session.</summary>
    public int MallocMmapThreshold { get; set; } = DefaultMallocMmapThreshold;

    public const int DefaultMallocMmapThreshold = 1 << 20;

    /// <summary>glibc's largest threshold (32 MiB on 64-bit systems).</summary>
    public const int MaxMallocMmapThreshold = 32 << 20;

    /// <summary>Values <see cref="GraphOptimization"/> accepts.</summary>
    public static IReadOnlyList<string> GraphOptimizationNames { get; } = ["disabled", "basic", "extended", "all"];
}
