namespace Easel.Engine.Schedulers;

/// <summary>
/// The fields of a diffusers <c>scheduler_config.json</c> that Easel's schedulers use. Defaults are the
/// Stable Diffusion 1.x values, so a missing key behaves like the SD1.5 config.
/// </summary>
public sealed partial record SchedulerConfig
{
    /// <summary><c>_class_name</c>: the diffusers scheduler the model was shipped with.</summary>
    public string ClassName { get; init; } = "PNDMScheduler";

    public int NumTrainTimesteps { get; init; } = 1000;
    public double BetaStart { get; init; } = 0.00085;
    public double BetaEnd { get; init; } = 0.012;

    /// <summary>"scaled_linear", "linear" or "squaredcos_cap_v2".</summary>
    public string BetaSchedule { get; init; } = "scaled_linear";

    /// <summary>"epsilon", "v_prediction" or "sample": what the UNet predicts.</summary>
    public string PredictionType { get; init; } = "epsilon";

    /// <summary>"leading", "trailing" or "linspace" (see the diffusers table of spacings).</summary>
    public string TimestepSpacing { get; init; } = "leading";

    /// <summary>Added to "leading" timesteps (SD uses 1, so the schedule ends at t = 1).</summary>
    public int StepsOffset { get; init; } = 1;

    /// <summary>When true the step after the last timestep uses ᾱ = 1; otherwise ᾱ of t = 0.</summary>
    public bool SetAlphaToOne { get; init; }

    public bool ClipSample { get; init; }
    public double ClipSampleRange { get; init; } = 1.0;

    /// <summary>PNDM: skip the Runge–Kutta warm-up (Easel only implements the PLMS path).</summary>
    public bool SkipPrkSteps { get; init; } = true;

    public bool UseKarrasSigmas { get; init; }

    /// <summary>DDIM stochasticity η (0 = deterministic). Not part of diffusers' json; a request option.</summary>
    public double Eta { get; init; }

    /// <summary>LCM: the size of the schedule the model was distilled on; inference picks a subset of it.</summary>
    public int OriginalInferenceSteps { get; init; } = 50;

    /// <summary>LCM: multiplies the timestep inside the c_skip/c_out boundary condition.</summary>
    public double TimestepScaling { get; init; } = 10.0;

    /// <summary>Rescale betas so the last timestep has zero signal (for models trained that way).</summary>
    public bool RescaleBetasZeroSnr { get; init; }
}
