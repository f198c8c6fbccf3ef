namespace Easel.Engine.Datasets;

/// <summary>
/// Data set progress: <see cref="Done"/> of <see cref="Total"/> images exist (<see cref="Skipped"/> of them from an
/// earlier run), the current image at <see cref="Step"/> of <see cref="Steps"/>.
/// </summary>
public sealed record DatasetProgress(int Done, int Total, int Skipped, int Step, int Steps, TimeSpan Elapsed)
{
    /// <summary>Images made by this run.</summary>
    public int Made => Done - Skipped;
}
