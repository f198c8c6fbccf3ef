namespace Easel.Engine.Text;

/// <summary>A run of prompt text whose tokens all get <see cref="Weight"/> (1 = unweighted).</summary>
public sealed record WeightedText(string Text, float Weight);
