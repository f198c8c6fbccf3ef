using Easel.Engine;
using Easel.Engine.Jobs;
using Easel.Engine.Pipelines;

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

    private static GenerateRequest Request(int steps, int count = 1, int side = TestModel.Side) =>
        new() { Prompt = "a job", Steps = steps, Count = count, Scheduler = "euler", Width = side, Height = side, Seed = 1 };

    [Fact]
    public async Task A_job_reports_progress_and_keeps_its_result()
    {
        var started = _jobs.Start("generate", (p, ct) => _engine.GenerateAsync(Request(4, count: 2), p, ct));
        Assert.False(started.IsFinished);
        var done = await _jobs.WaitAsync(started.Id, TimeSpan.FromSeconds(30));
        Assert.NotNull(done);
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
        var reached = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        int maxSeen = 0;
        var started = _jobs.Start("generate", (p, ct) => _engine.GenerateAsync(Request(LongRun.Steps, count: 4, side: 512), new Spy(p, step =>
        {
            maxSeen = Math.Max(maxSeen, step);
            if (step == 3) reached.TrySetResult(step);
        }), ct));
        await reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var cancelling = _jobs.Cancel(started.Id)!;
        var atCancel = cancelling.Completed;
        var done = await _jobs.WaitAsync(started.Id, TimeSpan.FromSeconds(30));

        Assert.Equal(JobState.Cancelled, done!.State);
        Assert.Equal("cancelled", done.Error);
        Assert.Null(done.Result);
        Assert.InRange(maxSeen - atCancel, 0, 1); // at most the step already under way when cancel came
        Assert.Empty(_output.Pngs);
        Assert.Equal(JobState.Cancelled, _jobs.Cancel(started.Id)!.State); // idempotent
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
        var done = await _jobs.WaitAsync(started.Id, TimeSpan.FromSeconds(10));
        Assert.Equal(JobState.Failed, done!.State);
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
            await jobs.WaitAsync(job.Id, TimeSpan.FromSeconds(30));
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
