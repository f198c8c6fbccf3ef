using Easel.Engine.Models;

namespace Easel.Engine.Vocabulary;

/// <summary>The one string form of <see cref="ModelFamily"/> on every surface: sd1, sd2, sdxl (never a number).</summary>
public static class ModelFamilies
{
    public static string Name(ModelFamily family) => family switch
    {
        ModelFamily.SD2 => "sd2",
        ModelFamily.SDXL => "sdxl",
        _ => "sd1",
    };
}
