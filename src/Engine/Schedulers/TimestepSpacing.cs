namespace Easel.Engine.Schedulers;

/// <summary>
/// diffusers' timestep_spacing rules (Lin et al. 2023, Table 2). Returned lists are descending, before any
/// scheduler-specific rounding or conversion.
/// </summary>
internal static class TimestepSpacing
{
    public const string Leading = "leading";
    public const string Trailing = "trailing";
    public const string Linspace = "linspace";

    public static void Validate(string spacing)
    {
        if (spacing is not (Leading or Trailing or Linspace))
            throw new ArgumentException($"Unknown timestep_spacing '{spacing}'. Valid: leading, trailing, linspace.");
    }

    /// <summary>
    /// The descending timesteps for <paramref name="count"/> steps. linspace values are rounded only when
    /// <paramref name="roundLinspace"/> (DDIM and PNDM round; Euler keeps the fractions).
    /// </summary>
    public static double[] Descending(string spacing, int trainSteps, int count, int stepsOffset, bool roundLinspace)
    {
        double[] ascending;
        switch (spacing)
        {
            case Leading:
                // Integer stride from 0, shifted by steps_offset (SD: 1, 21, 41, ... 981 for 50 steps).
                int stride = trainSteps / count;
                ascending = new double[count];
                // Above trainSteps/2 steps the stride is 1 and the offset would push the last value to trainSteps:
                // clamp to the schedule (diffusers indexes past its end there).
                for (int i = 0; i < count; i++)
                    ascending[i] = stride == 1 ? Math.Min(i + stepsOffset, trainSteps - 1) : (double)i * stride + stepsOffset;
                break;
            case Trailing:
                // round(arange(N, 0, -N/n)) - 1: always includes t = N-1. Exactly n values: numpy's float arange
                // yields n+1 for some n (e.g. 61), which would put t = -1 on the schedule.
                var fromTop = NumPy.Arange(trainSteps, -(double)trainSteps / count, count);
                ascending = Array.ConvertAll(fromTop, t => NumPy.Round(t) - 1);
                Array.Reverse(ascending);
                break;
            case Linspace:
                ascending = NumPy.Linspace(0, trainSteps - 1, count);
                if (roundLinspace)
                    ascending = Array.ConvertAll(ascending, NumPy.Round);
                break;
            default:
                Validate(spacing);
                throw new InvalidOperationException();
        }

        Array.Reverse(ascending);
        return ascending;
    }
}
