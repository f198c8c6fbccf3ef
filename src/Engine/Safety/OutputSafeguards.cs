using System.Collections.Concurrent;
using Easel.Engine.Models;
using Easel.Engine.Onnx;
using Microsoft.Extensions.Logging;

namespace Easel.Engine.Safety;

/// <summary>
/// What happens to every decoded image before it is saved: the safety checker (the model's own
/// <c>safety_checker/</c>, else the operator's <see cref="EaselOptions.SafetyCheckerPath"/>) under the configured
/// mode, then the invisible watermark. Checkers load once per folder and are shared by every run.
/// </summary>
internal sealed class OutputSafeguards : IDisposable
{
    private readonly SessionOptionsFactory _sessions;
    private readonly ILogger _logger;
    private readonly string? _operatorChecker;
    private readonly ConcurrentDictionary<string, Lazy<SafetyChecker?>> _checkers = new(StringComparer.Ordinal);

    public OutputSafeguards(EaselOptions options, SessionOptionsFactory sessions, ILogger logger)
    {
        _sessions = sessions;
        _logger = logger;
        Mode = SafetyCheckerModes.Parse(options.SafetyChecker);
        Watermark = options.Watermark;
        if (!string.IsNullOrWhiteSpace(options.SafetyCheckerPath))
        {
            _operatorChecker = Path.GetFullPath(options.SafetyCheckerPath);
            if (!Directory.Exists(_operatorChecker))
                throw new EaselException($"Easel:SafetyCheckerPath (EASEL_SAFETY_CHECKER_PATH): folder '{_operatorChecker}' does not exist.");
        }
    }

    /// <summary>off, flag or block (<see cref="SafetyCheckerModes"/>).</summary>
    public string Mode { get; }

    /// <summary>Whether saved images carry the invisible watermark.</summary>
    public bool Watermark { get; }

    /// <summary>The checker that applies to <paramref name="model"/> (null when none applies or the mode is off); loads it on first use.</summary>
    public SafetyChecker? CheckerFor(ModelFolder model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (Mode == SafetyCheckerModes.Off) return null;
        return Load(model.Root) ?? (_operatorChecker is { } folder ? Load(folder) ?? throw new EaselException(
            $"Easel:SafetyCheckerPath (EASEL_SAFETY_CHECKER_PATH): '{folder}' has no safety_checker/model.onnx (nor a model.onnx).") : null);
    }

    /// <summary>Starts one run's output checks; loads the checker first, so a broken one fails before any denoising.</summary>
    public SafeguardRun Begin(ModelFolder model) => new(CheckerFor(model), Mode, Watermark, model.Name, _logger);

    private SafetyChecker? Load(string folder) =>
        _checkers.GetOrAdd(folder, f => new Lazy<SafetyChecker?>(() => SafetyChecker.TryLoad(f, _sessions), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    public void Dispose()
    {
        foreach (var lazy in _checkers.Values)
            if (lazy.IsValueCreated) lazy.Value?.Dispose();
    }
}
