using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Easel.Engine.Imaging;

/// <summary>
/// The hard-link count of an open file. A hard link is the file itself under a second name, so a path check cannot tell
/// a link planted inside an allowed folder from a file that belongs there; files with more than one link are refused
/// where the folders are a security boundary (see <see cref="LocalFile.ReadRegular"/>). Read from the open handle, so
/// the file checked is the file read. Null where the platform gives no count.
/// </summary>
internal static partial class HardLinks
{
    private const int AtEmptyPath = 0x1000;
    private const uint StatxNlink = 0x4;

    public static long? Count(SafeFileHandle handle)
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                // statx has one layout on every architecture (stx_nlink: u32 at offset 16), unlike struct stat.
                var buffer = new byte[256];
                return Statx((int)handle.DangerousGetHandle(), "", AtEmptyPath, StatxNlink, buffer) == 0 ? BitConverter.ToUInt32(buffer, 16) : null;
            }
            if (OperatingSystem.IsMacOS())
            {
                // The 64-bit-inode struct stat: st_dev (i32), st_mode (u16), st_nlink (u16 at offset 6).
                var buffer = new byte[256];
                int rc = RuntimeInformation.ProcessArchitecture == Architecture.Arm64
                    ? Fstat((int)handle.DangerousGetHandle(), buffer)
                    : FstatInode64((int)handle.DangerousGetHandle(), buffer);
                return rc == 0 ? BitConverter.ToUInt16(buffer, 6) : null;
            }
            if (OperatingSystem.IsWindows())
            {
                // BY_HANDLE_FILE_INFORMATION: nNumberOfLinks (u32) at offset 40.
                var buffer = new byte[52];
                return GetFileInformationByHandle(handle, buffer) ? BitConverter.ToUInt32(buffer, 40) : null;
            }
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
        }
        return null;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, [Out] byte[] buffer);

    [LibraryImport("libc", EntryPoint = "fstat")]
    private static partial int Fstat(int fd, [Out] byte[] buffer);

    [LibraryImport("libc", EntryPoint = "fstat$INODE64")]
    private static partial int FstatInode64(int fd, [Out] byte[] buffer);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool GetFileInformationByHandle(SafeFileHandle handle, [Out] byte[] buffer);
}
