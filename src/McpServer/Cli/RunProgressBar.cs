using System.Globalization;

namespace Easel.McpServer.Cli;

/// <summary>
/// A count-based progress line on stderr for long runs (grids, data sets): done/total, a bar, the rate and the ETA.
/// Redrawn in place on a terminal; when stderr is a file or pipe, one line per finished unit (no carriage returns).
/// </summary>
internal sealed class RunProgressBar(TextWriter stderr, string unit, bool? interactive = null)
{
    private const int Width = 30;
    private readonly bool _interactive = interactive ?? (ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected);
    private int _lastDone = -1;

    /// <summary>
    /// Reports <paramref name="done"/> of <paramref name="total"/> units; the rate counts only the
    /// <paramref name="made"/> units of this run (resumed ones cost nothing) over <paramref name="elapsed"/>.
    /// </summary>
    public void Report(int done, int total, int made, TimeSpan elapsed, string? detail = null)
    {
        if (total <= 0) return;
        double perMinute = elapsed.TotalSeconds > 0 ? made / elapsed.TotalMinutes : 0;
        var eta = perMinute > 0 ? TimeSpan.FromMinutes((total - done) / perMinute) : (TimeSpan?)null;
        var inv = CultureInfo.InvariantCulture;
        var rate = made > 0 ? string.Format(inv, "{0:F1} {1}/min, ETA {2}", perMinute, unit, eta is { } e ? Format(e) : "?") : "";
        var suffix = string.IsNullOrEmpty(detail) ? "" : " " + detail;
        if (_interactive)
        {
            int filled = (int)((long)done * Width / total);
            stderr.Write($"\r{unit} {done}/{total} [{new string('#', filled)}{new string('.', Width - filled)}] {rate}{suffix}   ");
            if (done == total && _lastDone != done) stderr.WriteLine();
        }
        else if (done != _lastDone)
        {
            stderr.WriteLine($"{unit} {done}/{total} {rate}".TrimEnd());
        }
        _lastDone = done;
    }

    private static string Format(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : $"{t.Minutes}m{t.Seconds:D2}s";
}
