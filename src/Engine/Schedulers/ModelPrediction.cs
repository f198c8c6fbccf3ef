namespace Easel.Engine.Schedulers;

/// <summary>What the UNet predicts (diffusers' prediction_type).</summary>
public enum ModelPrediction
{
    /// <summary>"epsilon": the added noise ε.</summary>
    Epsilon,
    /// <summary>"v_prediction": v = α·ε − σ·x0 (Salimans &amp; Ho).</summary>
    VPrediction,
    /// <summary>"sample": x0 directly.</summary>
    Sample,
}

/// <summary>
/// Converts a model output into x0 or ε for a sample x = α·x0 + σ·ε with α² + σ² = 1 (the variance-preserving
/// form every scheduler here can express its current noise level in).
/// </summary>
internal static class PredictionMath
{
    public static ModelPrediction Parse(string predictionType) => predictionType switch
    {
        "epsilon" => ModelPrediction.Epsilon,
        "v_prediction" => ModelPrediction.VPrediction,
        "sample" => ModelPrediction.Sample,
        _ => throw new ArgumentException(
            $"Unknown prediction_type '{predictionType}'. Valid: epsilon, v_prediction, sample."),
    };

    public static double OriginalSample(ModelPrediction kind, double x, double output, double alpha, double sigma) =>
        kind switch
        {
            ModelPrediction.Epsilon => (x - sigma * output) / alpha,
            ModelPrediction.VPrediction => alpha * x - sigma * output,
            _ => output,
        };

    public static double Noise(ModelPrediction kind, double x, double output, double alpha, double sigma) =>
        kind switch
        {
            ModelPrediction.Epsilon => output,
            ModelPrediction.VPrediction => alpha * output + sigma * x,
            _ => (x - alpha * output) / sigma,
        };
}
