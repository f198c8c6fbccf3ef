namespace Easel.Engine;

/// <summary>An error a user can act on (bad input, missing model, unavailable provider). Its message is shown as is.</summary>
public class EaselException : Exception
{
    public EaselException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>A request field outside its allowed range. The message names the field and the range.</summary>
public sealed class EaselValidationException : EaselException
{
    public EaselValidationException(string field, string message) : base($"{field}: {message}") => Field = field;

    public string Field { get; }
}
