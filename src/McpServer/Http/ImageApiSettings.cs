namespace Easel.McpServer.Http;

/// <summary>Settings of the OpenAI- and AUTOMATIC1111-compatible routes (configuration section "Easel:Http:ImageApis").</summary>
public sealed class ImageApiSettings
{
    public const string Section = "Easel:Http:ImageApis";

    /// <summary>How long a <c>response_format: "url"</c> link stays valid, in seconds.</summary>
    public int UrlLifetimeSeconds { get; set; } = 3600;

    /// <summary>Largest request body these routes accept (JSON with base64 images, multipart uploads), in bytes.</summary>
    public long MaxRequestBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>Previews per image that AUTOMATIC1111 requests decode for <c>/sdapi/v1/progress</c>'s current_image (0 = none).</summary>
    public int A1111Previews { get; set; } = 4;

    /// <summary>Seconds a client is asked to wait (Retry-After) when the engine queue is full.</summary>
    public int RetryAfterSeconds { get; set; } = 5;
}
