using Easel.Engine;
using Easel.Engine.Jobs;
using Easel.Engine.Pipelines;
using Easel.Testing;

namespace Easel.McpServer.Tests;

/// <summary>The engine's job manager on its own, with the real engine and the fixture model.</summary>
public sealed class JobManagerTests : IDisposable
{
    private readonly TempDir _output = new();
    private readonly EaselEngine _engine;
    private readonly JobManager _jobs = new();

    public JobManagerTests() => _engine = new EaselEngine(TestModel.Options(_output.Path));

    public void Dispose()
    {
        _jobs.Dispose();
        _engine.Dispose();
        _output.Dispose();
    }

    private static GenerateRequest Request(int steps, int count = 1) =>
        new() { Prompt = "a job", Steps = steps, Count = count, Scheduler = "euler", Width = TestModel.Side, Height = TestModel.Side, Seed = 1 };

    /// <summary>Waits for the job to finish; one still running after <see cref="Limits.Call"/> fails the test.</summary>
    private static async Task<JobSnapshot> FinishedAsync(JobManager jobs, string id)
    {
        var snapshot = await jobs.WaitAsync(id, Limits.Call).Within($"job {id}");
        Assert.NotNull(snapshot);
        Assert.True(snapshot.IsFinished, $"job {id} still {snapshot.State} ({snapshot.Completed}/{snapshot.Total}) after {Limits.Call}");
        return snapshot;
    }

    [Fact]
    public async Task A_job_reports_progress_and_keeps_its_result()
    {
        var started = _jobs.Start("generate", (p, ct) => _engine.GenerateAsync(Request(4, count: 2), p, ct));
        Assert.False(started.IsFinished);
        var done = await FinishedAsync(_jobs, started.Id);
        Assert.Equal(JobState.Succeeded, done.State);
        Assert.Equal(8, done.Total);
        Assert.Equal(8, done.Completed);
        Assert.Equal(2, done.Result!.Images.Count);
        Assert.NotNull(done.Finished);
        Assert.Equal(done, _jobs.Get(started.Id)! with { });
        Assert.Contains(_jobs.List(), j => j.Id == started.Id);
    }

    [Fact]
    public async Task Cancel_stops_within_one_step_and_saves_nothing()
    {
        int maxSeen = 0;
        using var gate = new StepGate(_engine, holdAtCall: 4); // steps 1–3 done, step 4 held before its UNet call
        var started = _jobs.Start("generate", (p, ct) => _engine.GenerateAsync(Request(20, count: 2), new Spy(p, step => maxSeen = Math.Max(maxSeen, step)), ct));
        await gate.WaitUntilHeldAsync(Limits.Call);
        var cancelling = _jobs.Cancel(started.Id)!;
        var done = await FinishedAsync(_jobs, started.Id);

        Assert.Equal(JobState.Cancelled, done.State);
        Assert.Equal("cancelled", done.Error);
        Assert.Null(done.Result);
        Assert.Equal(3, cancelling.Completed);
        Assert.Equal(3, maxSeen); // the held step never completed: the engine stopped there
        Assert.Equal(4, gate.Calls); // and no later UNet call began
        Assert.Empty(_output.Pngs);
        Assert.Equal(JobState.Cancelled, _jobs.Cancel(started.Id)!.State); // idempotent
    }

    [Fact]
    public async Task Disposing_the_engine_mid_run_cancels_the_run_and_waits_for_it()
    {
        // Freeing ONNX sessions under a running step crashed the test host (a native use-after-free).
        using var output = new TempDir();
        var engine = new EaselEngine(TestModel.Options(output.Path));
        using var gate = new StepGate(engine, holdAtCall: 2);
        var run = engine.GenerateAsync(Request(20));
        await gate.WaitUntilHeldAsync(Limits.Call);
        await Task.Run(engine.Dispose).Within("engine Dispose");
        Assert.True(run.IsCompleted, "Dispose returned while the run was still going");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(2, gate.Calls);
        Assert.Empty(output.Pngs);
    }

    [Fact]
    public void Errors_before_any_work_are_thrown_at_start()
    {
        var error = Assert.Throws<EaselValidationException>(() => _jobs.Start("generate", (p, ct) => _engine.GenerateAsync(Request(steps: 0), p, ct)));
        Assert.Equal("steps", error.Field);
        Assert.Empty(_jobs.List());
    }

    [Fact]
    public async Task Failures_during_the_run_are_recorded()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = _jobs.Start("restyle", async (p, ct) =>
        {
            await gate.Task; // fail only after Start has returned: that is a failure during the run
            throw new EaselException("the model broke");
        });
        Assert.Equal(JobState.Queued, started.State);
        gate.SetResult();
        var done = await FinishedAsync(_jobs, started.Id);
        Assert.Equal(JobState.Failed, done.State);
        Assert.Equal("the model broke", done.Error);
    }

    [Fact]
    public async Task Finished_jobs_are_pruned_past_the_cap()
    {
        using var jobs = new JobManager(maxFinishedJobs: 2);
        var ids = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            var job = jobs.Start("generate", (p, ct) => _engine.GenerateAsync(Request(1), p, ct));
            ids.Add(job.Id);
            await FinishedAsync(jobs, job.Id);
        }
        Assert.Null(jobs.Get(ids[0]));
        Assert.Null(jobs.Get(ids[1]));
        Assert.NotNull(jobs.Get(ids[3]));
    }

    /// <summary>Forwards progress and reports each denoising step to the test, synchronously.</summary>
    private sealed class Spy(IProgress<GenerationProgress> inner, Action<int> onStep) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value)
        {
            inner.Report(value);
            if (value.Stage == "denoising") onStep(value.Completed);
        }
    }
}
