using Easel.Engine.Schedulers;

namespace Easel.Engine.Tests.Schedulers;

/// <summary>A broken scheduler_config.json is a clear error naming the file, the key and what is allowed.</summary>
public class SchedulerConfigBadInputTests
{
    public static TheoryData<string, string, string> BadConfigs() => new()
    {
        // json, the key (or problem) the message must name, and a phrase of what is allowed
        { """{"num_train_timesteps": 1000""", "not valid JSON", "line" },
        { """[1, 2, 3]""", "JSON object", "array" },
        { "\"PNDMScheduler\"", "JSON object", "string" },
        { """{"num_train_timesteps": 999.5}""", "num_train_timesteps", "integer 2–100000" },
        { """{"num_train_timesteps": 0}""", "num_train_timesteps", "integer 2–100000" },
        { """{"num_train_timesteps": -5}""", "num_train_timesteps", "integer 2–100000" },
        { """{"num_train_timesteps": 1000000000}""", "num_train_timesteps", "integer 2–100000" },
        { """{"num_train_timesteps": 1e300}""", "num_train_timesteps", "integer 2–100000" },
        { """{"num_train_timesteps": "1000"}""", "num_train_timesteps", "a string" },
        { """{"beta_schedule": "quadratic"}""", "beta_schedule", "linear, scaled_linear, squaredcos_cap_v2" },
        { """{"beta_schedule": 3}""", "beta_schedule", "a string" },
        { """{"prediction_type": "flow"}""", "prediction_type", "epsilon, v_prediction, sample" },
        { """{"timestep_spacing": "middle"}""", "timestep_spacing", "leading, trailing, linspace" },
        { """{"steps_offset": 1000000}""", "steps_offset", "integer 0–999" },
        { """{"steps_offset": -1}""", "steps_offset", "integer 0–999" },
        { """{"steps_offset": "one"}""", "steps_offset", "a string" },
        { """{"beta_start": -0.1}""", "beta_start", "above 0 and below 1" },
        { """{"beta_end": 5}""", "beta_end", "above 0 and below 1" },
        { """{"beta_end": 1e308}""", "beta_end", "above 0 and below 1" },
        { """{"beta_start": 0}""", "beta_start", "above 0 and below 1" },
        { """{"original_inference_steps": 5000}""", "original_inference_steps", "1–1000" },
        { """{"timestep_scaling": -1}""", "timestep_scaling", "positive" },
        { """{"clip_sample_range": 0}""", "clip_sample_range", "positive" },
        { """{"set_alpha_to_one": "yes"}""", "set_alpha_to_one", "true or false" },
        { """{"trained_betas": [0.1, 0.2]}""", "trained_betas", "beta_start" },
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void BadConfig_IsAnEaselErrorNamingTheFileKeyAndAllowedValues(string json, string key, string allowed)
    {
        using var folder = new TempDir();
        string path = Path.Combine(folder.Path, "scheduler_config.json");
        File.WriteAllText(path, json);

        var error = Assert.Throws<EaselException>(() => SchedulerConfig.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Contains(key, error.Message);
        Assert.Contains(allowed, error.Message);
    }

    [Fact]
    public void OversizedFile_IsRefusedBeforeParsing()
    {
        using var folder = new TempDir();
        string path = Path.Combine(folder.Path, "scheduler_config.json");
        File.WriteAllText(path, "{\"pad\": \"" + new string('x', SchedulerConfig.MaxFileBytes) + "\"}");
        var error = Assert.Throws<EaselException>(() => SchedulerConfig.Load(path));
        Assert.Contains("byte limit", error.Message);
    }

    [Fact]
    public void LargestAllowedTrainingSchedule_StillBuildsQuickly()
    {
        var config = SchedulerConfig.FromJson($$"""{"num_train_timesteps": {{SchedulerConfig.MaxTrainTimesteps}}}""");
        var scheduler = SchedulerFactory.Create("euler", config);
        scheduler.SetTimesteps(4);
        Assert.Equal(SchedulerConfig.MaxTrainTimesteps - 1, scheduler.Timesteps[0]);
    }

    [Fact]
    public void Lcm_StepsAboveOriginalInferenceSteps_NamesTheLimit()
    {
        var lcm = SchedulerFactory.Create("lcm", new SchedulerConfig { OriginalInferenceSteps = 50 });
        Assert.Equal(50, lcm.MaxInferenceSteps);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => lcm.SetTimesteps(1000));
        Assert.Contains("50", error.Message);
    }
}
