namespace Easel.Engine.Datasets;

/// <summary>One object a grammar-drawn prompt names; unsaid attributes are null.</summary>
public sealed record SceneObjectLabel(string? Shape, string? Color, string? Size, string? Position);
