namespace Easel.McpServer.Http;

/// <summary>A refusal with a status of its own (e.g. 403 for an expired link), answered in the route's error shape.</summary>
internal sealed class ApiStatusException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
