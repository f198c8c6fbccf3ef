namespace Easel.Engine.Schedulers;

/// <summary>Creates schedulers by short name, by diffusers class name, or from the model's own config.</summary>
public static class SchedulerFactory
{
    public const string Ddim = "ddim";
    public const string Euler = "euler";
    public const string EulerAncestral = "euler_a";
    public const string DpmPlusPlus2M = "dpmpp_2m";
    public const string DpmPlusPlus2MKarras = "dpmpp_2m_karras";
    public const string Lcm = "lcm";
    public const string Pndm = "pndm";

    public static IReadOnlyList<string> Names { get; } =
        [Ddim, Euler, EulerAncestral, DpmPlusPlus2M, DpmPlusPlus2MKarras, Lcm, Pndm];

    // diffusers class names (as in scheduler_config.json) and common spellings → canonical name.
    // DPMSolverMultistepScheduler maps to null: plain or Karras as the config's use_karras_sigmas says.
    private static readonly Dictionary<string, string?> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["DDIMScheduler"] = Ddim,
        ["EulerDiscreteScheduler"] = Euler,
        ["EulerAncestralDiscreteScheduler"] = EulerAncestral,
        ["euler_ancestral"] = EulerAncestral,
        ["DPMSolverMultistepScheduler"] = null,
        ["dpm++_2m"] = DpmPlusPlus2M,
        ["dpm++_2m_karras"] = DpmPlusPlus2MKarras,
        ["LCMScheduler"] = Lcm,
        ["PNDMScheduler"] = Pndm,
    };

    /// <summary>
    /// <paramref name="name"/> null: the scheduler of config.ClassName (unknown classes such as LMSDiscreteScheduler
    /// fall back to Euler). "dpmpp_2m" and "dpmpp_2m_karras" set use_karras_sigmas as their names say; the other
    /// names use the config as given. An unknown name throws an <see cref="ArgumentException"/> listing valid names.
    /// </summary>
    public static IScheduler Create(string? name, SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (name is null)
            return Aliases.TryGetValue(config.ClassName, out var fromClass) ? Build(fromClass, config) : new EulerScheduler(config);

        string key = name.Trim().Replace('-', '_').Replace(' ', '_');
        foreach (string known in Names)
        {
            if (string.Equals(key, known, StringComparison.OrdinalIgnoreCase))
                return Build(known, config);
        }
        if (Aliases.TryGetValue(key, out var alias))
            return Build(alias, config);

        throw new ArgumentException(
            $"Unknown scheduler '{name}'. Valid names: {string.Join(", ", Names)} (or a diffusers class name such as DDIMScheduler).",
            nameof(name));
    }

    private static IScheduler Build(string? canonical, SchedulerConfig config) => canonical switch
    {
        Ddim => new DdimScheduler(config),
        Euler => new EulerScheduler(config),
        EulerAncestral => new EulerAncestralScheduler(config),
        DpmPlusPlus2M => new DpmSolverMultistepScheduler(config with { UseKarrasSigmas = false }),
        DpmPlusPlus2MKarras => new DpmSolverMultistepScheduler(config with { UseKarrasSigmas = true }),
        null => new DpmSolverMultistepScheduler(config),
        Lcm => new LcmScheduler(config),
        Pndm => new PndmScheduler(config),
        _ => throw new InvalidOperationException($"No scheduler registered for '{canonical}'."),
    };
}
