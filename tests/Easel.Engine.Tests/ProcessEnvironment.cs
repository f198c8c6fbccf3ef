namespace Easel.Engine.Tests;

/// <summary>
/// Tests that change process-wide state (environment variables, the current directory, static caches) join this
/// collection: xunit runs it on its own, after the parallel collections, so no other test sees the change.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironment
{
    public const string Name = "process environment";
}
