namespace Easel.Testing;

/// <summary>The tiny safety checkers of tests/fixtures/safety (made by make_safety_checkers.py) and a model folder that ships one.</summary>
public static class SafetyFixtures
{
    public static string Folder => Path.Combine(RepositoryRoot.Path, "tests", "fixtures", "safety");

    public static string BundledModel => Path.Combine(RepositoryRoot.Path, "models", "easel-shapes");

    /// <summary>never, always or red.</summary>
    public static string Checker(string variant) => Path.Combine(Folder, variant);

    /// <summary>
    /// The bundled model's components linked into <paramref name="parent"/>/easel-checked, plus the checker
    /// <paramref name="variant"/> as its own safety_checker/ and feature_extractor/: a model that ships a checker.
    /// </summary>
    public static string ModelWithChecker(string parent, string variant)
    {
        var root = Path.Combine(parent, "easel-checked");
        Directory.CreateDirectory(root);
        foreach (var entry in Directory.EnumerateFileSystemEntries(BundledModel))
        {
            var target = Path.Combine(root, Path.GetFileName(entry));
            if (Directory.Exists(entry)) Directory.CreateSymbolicLink(target, entry);
            else File.Copy(entry, target);
        }
        foreach (var component in new[] { "safety_checker", "feature_extractor" })
            Directory.CreateSymbolicLink(Path.Combine(root, component), Path.Combine(Checker(variant), component));
        return root;
    }
}
