using Easel.Engine.Onnx;

namespace Easel.Engine.Models;

/// <summary>A model found on disk: its name, folder and whether it is the default.</summary>
public sealed record ModelEntry(string Name, string Path, bool IsDefault);

/// <summary>
/// Finds model folders (a folder with model_index.json, or with unet/model.onnx) in the search roots (see
/// <see cref="DefaultSearchRoots"/>); the first root holding a name wins. Folders load once and are shared by every request.
/// </summary>
public sealed class ModelRegistry : IDisposable
{
    public const string BundledModelName = "easel-shapes";

    private readonly SessionOptionsFactory _sessionOptions;
    private readonly string? _defaultModel;
    private readonly Dictionary<string, ModelFolder> _loaded = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public ModelRegistry(IEnumerable<string> searchRoots, SessionOptionsFactory sessionOptions, string? defaultModel = null)
    {
        SearchRoots = searchRoots.Where(r => !string.IsNullOrWhiteSpace(r)).Select(System.IO.Path.GetFullPath).Distinct().ToList();
        _sessionOptions = sessionOptions;
        _defaultModel = string.IsNullOrWhiteSpace(defaultModel) ? null : defaultModel;
    }

    public IReadOnlyList<string> SearchRoots { get; }

    /// <summary>Only listed models may be named (see <see cref="EaselOptions.ModelsByNameOnly"/>).</summary>
    public bool NamesOnly { get; init; }
    public SessionOptionsFactory SessionOptions => _sessionOptions;

    /// <summary>The folder, next to the application, where the packages copy the bundled model.</summary>
    public static string ApplicationModels => System.IO.Path.Combine(AppContext.BaseDirectory, "models");

    /// <summary>
    /// The search roots, in order: <see cref="ApplicationModels"/> (the bundled model travels there with the
    /// Easel.Engine package and every project that references it), then <paramref name="configuredPaths"/> (a list
    /// separated by the platform's path separator, <see cref="EaselOptions.ModelsPath"/>), then ./models.
    /// </summary>
    public static IReadOnlyList<string> DefaultSearchRoots(string? configuredPaths = null)
    {
        var roots = new List<string> { ApplicationModels };
        if (!string.IsNullOrWhiteSpace(configuredPaths))
            roots.AddRange(configuredPaths.Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        roots.Add(System.IO.Path.GetFullPath("models"));
        return roots;
    }

    public static bool LooksLikeModelFolder(string dir) =>
        File.Exists(System.IO.Path.Combine(dir, "model_index.json")) || File.Exists(System.IO.Path.Combine(dir, "unet", "model.onnx"));

    /// <summary>Every model found, the default first, then by name.</summary>
    public IReadOnlyList<ModelEntry> List()
    {
        var found = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var root in SearchRoots)
        {
            if (!Directory.Exists(root)) continue;
            if (LooksLikeModelFolder(root))
                found.TryAdd(System.IO.Path.GetFileName(root.TrimEnd(System.IO.Path.DirectorySeparatorChar)), root);
            foreach (var dir in Directory.GetDirectories(root).OrderBy(d => d, StringComparer.Ordinal))
                if (LooksLikeModelFolder(dir))
                    found.TryAdd(System.IO.Path.GetFileName(dir), dir);
        }
        var defaultName = DefaultName(found.Keys);
        return found
            .Select(kv => new ModelEntry(kv.Key, kv.Value, string.Equals(kv.Key, defaultName, StringComparison.OrdinalIgnoreCase)))
            .OrderByDescending(e => e.IsDefault).ThenBy(e => e.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    private string? DefaultName(IEnumerable<string> names)
    {
        var list = names.ToList();
        if (_defaultModel is not null)
            return list.FirstOrDefault(n => string.Equals(n, _defaultModel, StringComparison.OrdinalIgnoreCase)) ?? _defaultModel;
        return list.FirstOrDefault(n => string.Equals(n, BundledModelName, StringComparison.OrdinalIgnoreCase))
            ?? list.OrderBy(n => n, StringComparer.OrdinalIgnoreCase).FirstOrDefault();
    }

    /// <summary>Resolves a model by folder path or by name (null = the default model).</summary>
    public ModelFolder Get(string? nameOrPath)
    {
        string path;
        string? name = null;
        if (NamesOnly && ListedPath(nameOrPath) is { } listed)
        {
            path = listed.Path;
            name = listed.Name;
        }
        else if (!NamesOnly && !string.IsNullOrWhiteSpace(nameOrPath) && Directory.Exists(nameOrPath))
        {
            path = System.IO.Path.GetFullPath(nameOrPath);
            if (!LooksLikeModelFolder(path))
                throw new EaselException($"model: '{nameOrPath}' is a folder but not a diffusers ONNX model (no model_index.json or unet/model.onnx).");
        }
        else
        {
            var entries = List();
            var wanted = string.IsNullOrWhiteSpace(nameOrPath) ? _defaultModel : nameOrPath;
            var entry = wanted is null
                ? (entries.Count > 0 ? entries[0] : null)
                : entries.FirstOrDefault(e => string.Equals(e.Name, wanted, StringComparison.OrdinalIgnoreCase));
            if (entry is null)
            {
                var known = entries.Count == 0 ? "none found" : string.Join(", ", entries.Select(e => e.Name));
                throw new EaselException(wanted is null
                    ? $"model: no models found. Searched: {string.Join(", ", SearchRoots)}. Put a diffusers ONNX folder in models/ or set Easel:ModelsPath (EASEL_MODELS)."
                    : NamesOnly
                        ? $"model: unknown model '{Shorten(wanted)}'; this server takes a model by name only. Known models: {known}."
                        : $"model: unknown model '{Shorten(wanted)}'. Known models: {known}.");
            }
            path = entry.Path;
            name = entry.Name;
        }
        lock (_gate)
        {
            if (!_loaded.TryGetValue(path, out var folder))
                _loaded[path] = folder = new ModelFolder(path, _sessionOptions, name);
            return folder;
        }
    }

    /// <summary>A listed model named by its folder path (the path a result reported).</summary>
    private ModelEntry? ListedPath(string? path)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0') || !System.IO.Path.IsPathRooted(path)) return null;
        var full = System.IO.Path.GetFullPath(path).TrimEnd(System.IO.Path.DirectorySeparatorChar);
        return List().FirstOrDefault(e => string.Equals(e.Path.TrimEnd(System.IO.Path.DirectorySeparatorChar), full, StringComparison.Ordinal));
    }

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "...";

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var folder in _loaded.Values) folder.Dispose();
            _loaded.Clear();
        }
    }
}
