using Easel.Engine.Schedulers;

namespace Easel.Engine.Tests.Schedulers;

public class SchedulerConfigTests
{
    // runwayml/stable-diffusion-v1-5 scheduler/scheduler_config.json
    private const string StableDiffusion15Pndm = """
        {
          "_class_name": "PNDMScheduler",
          "_diffusers_version": "0.6.0",
          "beta_end": 0.012,
          "beta_schedule": "scaled_linear",
          "beta_start": 0.00085,
          "num_train_timesteps": 1000,
          "set_alpha_to_one": false,
          "skip_prk_steps": true,
          "steps_offset": 1,
          "trained_betas": null,
          "clip_sample": false
        }
        """;

    // stabilityai/stable-diffusion-2-1 scheduler/scheduler_config.json
    private const string StableDiffusion2DdimV = """
        {
          "_class_name": "DDIMScheduler",
          "_diffusers_version": "0.8.0",
          "beta_end": 0.012,
          "beta_schedule": "scaled_linear",
          "beta_start": 0.00085,
          "clip_sample": false,
          "num_train_timesteps": 1000,
          "prediction_type": "v_prediction",
          "set_alpha_to_one": false,
          "skip_prk_steps": true,
          "steps_offset": 1,
          "trained_betas": null
        }
        """;

    [Fact]
    public void Sd15PndmConfig_ReadsItsFields()
    {
        var config = SchedulerConfig.FromJson(StableDiffusion15Pndm);

        Assert.Equal("PNDMScheduler", config.ClassName);
        Assert.Equal(1000, config.NumTrainTimesteps);
        Assert.Equal(0.00085, config.BetaStart);
        Assert.Equal(0.012, config.BetaEnd);
        Assert.Equal("scaled_linear", config.BetaSchedule);
        Assert.False(config.SetAlphaToOne);
        Assert.True(config.SkipPrkSteps);
        Assert.Equal(1, config.StepsOffset);
        Assert.False(config.ClipSample);
        Assert.Equal("epsilon", config.PredictionType);   // missing → default
        Assert.Null(config.TimestepSpacing);              // missing → each scheduler class's own default
    }

    [Theory]
    [InlineData("ddim", "leading", 1, new double[] { 751, 501, 251, 1 })]
    [InlineData("pndm", "leading", 1, new double[] { 751, 501, 501, 251, 1 })]
    [InlineData("euler", "linspace", 1, new double[] { 999, 666, 333, 0 })]
    [InlineData("euler_a", "linspace", 1, new double[] { 999, 666, 333, 0 })]
    [InlineData("dpmpp_2m", "linspace", 1, new double[] { 999, 749, 500, 250 })]
    public void Sd15Config_AbsentSpacing_TakesEachClassDefault_AsFromConfigDoes(string name, string spacing, int offset, double[] timesteps)
    {
        var scheduler = SchedulerFactory.Create(name, SchedulerConfig.FromJson(StableDiffusion15Pndm));
        scheduler.SetTimesteps(4);
        Assert.Equal(spacing, scheduler.Config.TimestepSpacing);
        Assert.Equal(offset, scheduler.Config.StepsOffset);
        Assert.Equal(timesteps, scheduler.Timesteps);
    }

    [Fact]
    public void AbsentClassDependentKeys_TakeTheClassDefaults()
    {
        // DDIMScheduler's own defaults: steps_offset 0, set_alpha_to_one true, clip_sample true.
        var ddim = SchedulerFactory.Create("ddim", SchedulerConfig.FromJson("""{"beta_schedule": "scaled_linear"}"""));
        Assert.Equal(new SchedulerConfig { TimestepSpacing = "leading", StepsOffset = 0, SetAlphaToOne = true, ClipSample = true }, ddim.Config);
        var lcm = SchedulerFactory.Create("lcm", SchedulerConfig.FromJson("{}"));
        Assert.Equal(true, lcm.Config.SetAlphaToOne);
        Assert.Equal(false, lcm.Config.ClipSample);
    }

    [Fact]
    public void Sd2DdimConfig_ReadsVPrediction()
    {
        var config = SchedulerConfig.FromJson(StableDiffusion2DdimV);

        Assert.Equal("DDIMScheduler", config.ClassName);
        Assert.Equal("v_prediction", config.PredictionType);
        Assert.Equal(1, config.StepsOffset);
        Assert.False(config.SetAlphaToOne);
        Assert.IsType<DdimScheduler>(SchedulerFactory.Create(null, config));
    }

    [Fact]
    public void EveryField_IsReadFromItsJsonKey()
    {
        const string json = """
            {
              "_class_name": "LCMScheduler", "num_train_timesteps": 500, "beta_start": 0.0001, "beta_end": 0.02,
              "beta_schedule": "linear", "prediction_type": "sample", "timestep_spacing": "trailing",
              "steps_offset": 3, "set_alpha_to_one": true, "clip_sample": true, "clip_sample_range": 2.5,
              "skip_prk_steps": false, "use_karras_sigmas": true, "original_inference_steps": 25,
              "timestep_scaling": 4.0, "rescale_betas_zero_snr": true, "some_future_key": [1, 2]
            }
            """;
        var config = SchedulerConfig.FromJson(json);
        var defaults = new SchedulerConfig();

        var expected = new SchedulerConfig
        {
            ClassName = "LCMScheduler",
            NumTrainTimesteps = 500,
            BetaStart = 0.0001,
            BetaEnd = 0.02,
            BetaSchedule = "linear",
            PredictionType = "sample",
            TimestepSpacing = "trailing",
            StepsOffset = 3,
            SetAlphaToOne = true,
            ClipSample = true,
            ClipSampleRange = 2.5,
            SkipPrkSteps = false,
            UseKarrasSigmas = true,
            OriginalInferenceSteps = 25,
            TimestepScaling = 4.0,
            RescaleBetasZeroSnr = true,
        };
        Assert.Equal(expected, config);
        // Every json-backed property differs from its default, so each one was really read.
        foreach (var property in typeof(SchedulerConfig).GetProperties().Where(p => p.Name != nameof(SchedulerConfig.Eta)))
            Assert.NotEqual(property.GetValue(defaults), property.GetValue(config));
    }

    [Fact]
    public void EmptyObject_GivesDefaults_AndNullsAreDefaults()
    {
        // Class-dependent keys stay absent (null); the rest take the SD1.5 values.
        var absent = new SchedulerConfig { StepsOffset = null, SetAlphaToOne = null, ClipSample = null };
        Assert.Equal(absent, SchedulerConfig.FromJson("{}"));
        Assert.Equal(absent, SchedulerConfig.FromJson("""{"prediction_type": null, "steps_offset": null}"""));
    }

    [Fact]
    public void IntegerWrittenAsFloat_IsAccepted_WrongTypeIsRejected()
    {
        Assert.Equal(1000, SchedulerConfig.FromJson("""{"num_train_timesteps": 1000.0}""").NumTrainTimesteps);
        var error = Assert.Throws<EaselException>(() => SchedulerConfig.FromJson("""{"steps_offset": "one"}"""));
        Assert.Contains("steps_offset", error.Message);
    }

    [Fact]
    public void Load_ReadsAFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"easel-scheduler-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, StableDiffusion2DdimV);
        try
        {
            Assert.Equal(SchedulerConfig.FromJson(StableDiffusion2DdimV), SchedulerConfig.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
