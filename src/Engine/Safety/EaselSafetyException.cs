namespace Easel.Engine.Safety;

/// <summary>Every image of a request was flagged by the safety checker under the <c>block</c> policy, so none was saved.</summary>
public sealed class EaselSafetyException(int withheld)
    : EaselRefusalException($"safety checker: {withheld} of {withheld} image(s) flagged as unsafe and withheld; nothing was saved (Easel:SafetyChecker = block).")
{
    /// <summary>Images the checker flagged (all of the request's).</summary>
    public int Withheld { get; } = withheld;
}
