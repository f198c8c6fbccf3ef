using System.ComponentModel;
using System.Globalization;

namespace Easel.Plugin;

/// <summary>
/// A <see cref="DescriptionAttribute"/> whose text takes its numbers from <see cref="Engine.Vocabulary.EaselLimits"/>:
/// <c>[LimitDescription("How many images (1–{0}).", EaselLimits.MaxCount)]</c>. C# cannot interpolate an int into a
/// const string, and a copy of the number in the text would drift from the engine's check; SK and MEAI read a
/// subclass of DescriptionAttribute like the attribute itself.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Method, AllowMultiple = false)]
internal sealed class LimitDescriptionAttribute : DescriptionAttribute
{
    public LimitDescriptionAttribute(string format, params object[] limits)
        : base(string.Format(CultureInfo.InvariantCulture, format, limits))
    {
        Format = format;
        Limits = limits;
    }

    /// <summary>The text with {0}, {1}… placeholders.</summary>
    public string Format { get; }

    /// <summary>The constants the placeholders stand for.</summary>
    public IReadOnlyList<object> Limits { get; }
}
