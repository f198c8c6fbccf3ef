namespace Easel.Engine.Safety;

/// <summary>A request refused by policy. The message names the category, never the text that matched.</summary>
public sealed class EaselPolicyException(string field, string category)
    : EaselRefusalException($"{field}: refused by the prompt policy (category: {category}).")
{
    /// <summary>The request field that was refused (<c>prompt</c> or <c>negative_prompt</c>).</summary>
    public string Field { get; } = field;

    /// <summary>The policy category that matched.</summary>
    public string Category { get; } = category;
}
