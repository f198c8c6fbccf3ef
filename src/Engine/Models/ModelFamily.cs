namespace Easel.Engine.Models;

public enum ModelFamily { SD1, SD2, SDXL }

/// <summary>What a model folder can do, read from its files and ONNX metadata (never from its name alone).</summary>
public sealed record ModelCapabilities
{
    public required ModelFamily Family { get; init; }
    public required string PredictionType { get; init; }      // epsilon | v_prediction | sample
    public required int UnetInputChannels { get; init; }      // 4, or 9 for inpainting UNets
    public required int LatentChannels { get; init; }
    public required bool IsLcm { get; init; }                 // UNet takes timestep_cond
    public required int TimestepCondDim { get; init; }
    public required bool IsTurbo { get; init; }               // trailing spacing, no CFG, few steps
    public required bool IsRefiner { get; init; }             // SDXL refiner: time_ids [B,5], one text encoder
    public required float VaeScalingFactor { get; init; }
    public required int VaeScaleFactor { get; init; }         // pixels per latent cell (8)
    public required int UnetLatentMultiple { get; init; }     // latent sides the UNet needs (2^downsamples); padded internally
    public required int NativeWidth { get; init; }
    public required int NativeHeight { get; init; }
    public required bool FixedSize { get; init; }             // the UNet was exported for one size only
    public required int MaxTokens { get; init; }              // 77
    public required bool HasVaeEncoder { get; init; }
    public required string DefaultScheduler { get; init; }
    public required int DefaultSteps { get; init; }
    public required double DefaultGuidance { get; init; }
    public required bool ForceZerosForEmptyPrompt { get; init; }
    public required string UnetDtype { get; init; }

    public bool IsInpaintModel => UnetInputChannels == 9;
    public bool UsesNegativePrompt => !IsTurbo && !IsLcm;
    /// <summary>Valid image sides are multiples of this many pixels: one latent cell. Latents that are not a multiple
    /// of <see cref="UnetLatentMultiple"/> are edge-padded for the UNet and cropped back.</summary>
    public int SizeMultiple => VaeScaleFactor;
}
