namespace Easel.Engine.Safety;

/// <summary>
/// A request or its output refused on content grounds (the prompt policy or the safety checker), as opposed to bad
/// input: surfaces answer with their content-policy error (OpenAI <c>content_policy_violation</c>).
/// </summary>
public abstract class EaselRefusalException(string message) : EaselException(message);
