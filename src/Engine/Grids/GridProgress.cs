namespace Easel.Engine.Grids;

/// <summary>
/// Grid progress: cell <see cref="Cell"/> (0-based) of <see cref="Cells"/> at <see cref="Step"/> of its
/// <see cref="Steps"/>, and denoising steps done over the whole grid (cells may differ in steps on a steps axis).
/// </summary>
public sealed record GridProgress(int Cell, int Cells, int Step, int Steps, int CompletedSteps, int TotalSteps);
