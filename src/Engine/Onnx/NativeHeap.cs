using System.Runtime.InteropServices;

namespace Easel.Engine.Onnx;

/// <summary>
/// glibc's malloc, tuned once per process before the first session: blocks of at least
/// <see cref="OnnxRuntimeOptions.MallocMmapThreshold"/> bytes get their own mapping and go back to the system when
/// freed. By default glibc raises that threshold (up to 32 MiB) as large blocks are freed, so a UNet's tens-of-MB
/// activations and load-time buffers end up in the heap, where freed space stays resident: at 512² on an
/// SD1.5-sized UNet that was 0.5 GB of peak RSS (README, Performance).
/// </summary>
internal static partial class NativeHeap
{
    private const int MmapThreshold = -3; // M_MMAP_THRESHOLD in malloc.h
    private static readonly object Gate = new();
    private static bool? _applied; // null until tried: a platform that refuses is asked once, not per session

    /// <summary>Applies <paramref name="bytes"/> (0: leave glibc's own) once; false where there is no glibc to tune.</summary>
    public static bool SetMmapThreshold(int bytes)
    {
        if (bytes == 0 || !OperatingSystem.IsLinux()) return false;
        lock (Gate)
        {
            if (_applied is { } done) return done;
            try
            {
                _applied = MallOpt(MmapThreshold, bytes) == 1;
            }
            catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
            {
                _applied = false; // not glibc (e.g. musl without mallopt)
            }
            return _applied.Value;
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);
}
