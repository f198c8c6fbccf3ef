namespace Easel.Engine.Schedulers;

/// <summary>
/// A diffusers scheduler class's own defaults for the config keys whose default differs between classes; they
/// apply when <c>scheduler_config.json</c> lacks the key (diffusers' <c>from_config</c> fills absent keys from the
/// class being built, not from the class that wrote the file).
/// </summary>
internal readonly record struct SchedulerDefaults(string TimestepSpacing, int StepsOffset, bool SetAlphaToOne, bool ClipSample)
{
    public static SchedulerDefaults Ddim { get; } = new(Schedulers.TimestepSpacing.Leading, 0, SetAlphaToOne: true, ClipSample: true);
    public static SchedulerDefaults Pndm { get; } = new(Schedulers.TimestepSpacing.Leading, 0, SetAlphaToOne: false, ClipSample: false);
    public static SchedulerDefaults EulerDiscrete { get; } = new(Schedulers.TimestepSpacing.Linspace, 0, SetAlphaToOne: false, ClipSample: false);
    public static SchedulerDefaults DpmSolverMultistep { get; } = new(Schedulers.TimestepSpacing.Linspace, 0, SetAlphaToOne: false, ClipSample: false);
    public static SchedulerDefaults Lcm { get; } = new(Schedulers.TimestepSpacing.Leading, 0, SetAlphaToOne: true, ClipSample: false);
}
