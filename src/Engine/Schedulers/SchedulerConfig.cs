namespace Easel.Engine.Schedulers;

/// <summary>
/// The fields of a diffusers <c>scheduler_config.json</c> that Easel's schedulers use. A new instance is the SD1.5
/// config as shipped (runwayml/stable-diffusion-v1-5). Keys whose diffusers default differs between scheduler
/// classes are nullable: null means "absent from the file", and each scheduler then uses its diffusers class's own
/// default, as <c>from_config</c> does (Euler reads an SD1.5 config as linspace, DDIM as leading with offset 0).
/// </summary>
/// <remarks>
/// Deliberate difference: absent beta keys keep SD's values (scaled_linear 0.00085–0.012) rather than diffusers'
/// class defaults (linear 0.0001–0.02, DDPM's), which would be wrong for every Stable Diffusion model.
/// </remarks>
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

    /// <summary>"leading", "trailing" or "linspace" (see the diffusers table of spacings); null: the class default.</summary>
    public string? TimestepSpacing { get; init; }

    /// <summary>Added to "leading" timesteps (SD uses 1, so the schedule ends at t = 1); null: the class default.</summary>
    public int? StepsOffset { get; init; } = 1;

    /// <summary>When true the step after the last timestep uses ᾱ = 1; otherwise ᾱ of t = 0. Null: the class default.</summary>
    public bool? SetAlphaToOne { get; init; } = false;

    /// <summary>Clamp predicted x0 to ±<see cref="ClipSampleRange"/>. Null: the class default (DDIM: true).</summary>
    public bool? ClipSample { get; init; } = false;
    public double ClipSampleRange { get; init; } = 1.0;

    /// <summary>
    /// PNDM: skip the Runge–Kutta warm-up. Easel only implements the PLMS path, so an absent key means true
    /// (diffusers' class default is false; every Stable Diffusion config ships true).
    /// </summary>
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
