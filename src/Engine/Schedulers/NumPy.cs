namespace Easel.Engine.Schedulers;

/// <summary>
/// The few numpy primitives diffusers builds schedules from, reproduced value for value (numpy's element
/// formulas and round-half-to-even), so timesteps land on the same integers as the reference.
/// </summary>
internal static class NumPy
{
    /// <summary>numpy.linspace(start, stop, num) with endpoint: start + i·step, and the last value exactly stop.</summary>
    public static double[] Linspace(double start, double stop, int num)
    {
        var values = new double[num];
        double step = num > 1 ? (stop - start) / (num - 1) : 0;
        for (int i = 0; i < num; i++)
            values[i] = i * step + start;
        if (num > 1)
            values[^1] = stop;
        return values;
    }

    /// <summary>numpy.linspace(start, stop, num, endpoint=False).</summary>
    public static double[] LinspaceExclusive(double start, double stop, int num)
    {
        var values = new double[num];
        double step = (stop - start) / num;
        for (int i = 0; i < num; i++)
            values[i] = i * step + start;
        return values;
    }

    /// <summary>
    /// The first <paramref name="count"/> values of numpy.arange(start, stop, step) for a float step: numpy fills
    /// start + i·delta with delta recomputed as (start + step) - start, which decides some .5 ties.
    /// </summary>
    public static double[] Arange(double start, double step, int count)
    {
        double delta = (start + step) - start;
        var values = new double[count];
        for (int i = 0; i < count; i++)
            values[i] = start + i * delta;
        return values;
    }

    /// <summary>numpy.round: half to even.</summary>
    public static double Round(double x) => Math.Round(x, MidpointRounding.ToEven);

    /// <summary>numpy.interp(x, [0, 1, ..., n-1], table): piecewise linear, clamped at both ends.</summary>
    public static double InterpolateAtIndex(double[] table, double x)
    {
        if (x <= 0)
            return table[0];
        if (x >= table.Length - 1)
            return table[^1];
        int low = (int)Math.Floor(x);
        double fraction = x - low;
        return fraction == 0 ? table[low] : table[low] + fraction * (table[low + 1] - table[low]);
    }
}
