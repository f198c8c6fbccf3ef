using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Easel.McpServer.Http;

/// <summary>
/// Links for <c>response_format: "url"</c>: <c>/v1/images/files/{id}.{format}?expires=…&amp;signature=…</c>, an HMAC over
/// id, format and expiry with a key drawn per process, so a link cannot be forged or extended and dies with the server.
/// </summary>
internal sealed class SignedImageUrls(TimeSpan lifetime, TimeProvider clock)
{
    public const string RoutePrefix = "/v1/images/files";
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public string Create(string baseUrl, string id, string format)
    {
        long expires = clock.GetUtcNow().Add(lifetime).ToUnixTimeSeconds();
        return $"{baseUrl}{RoutePrefix}/{Uri.EscapeDataString(id)}.{format}?expires={expires}&signature={Sign(id, format, expires)}";
    }

    /// <summary>Null when valid, else why not.</summary>
    public string? Problem(string id, string format, string? expires, string? signature)
    {
        if (!long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out long until) || string.IsNullOrEmpty(signature))
            return "the link lacks its expires/signature parameters.";
        var expected = Encoding.ASCII.GetBytes(Sign(id, format, until));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature)))
            return "the link's signature does not match.";
        if (clock.GetUtcNow().ToUnixTimeSeconds() > until)
            return $"the link expired at {DateTimeOffset.FromUnixTimeSeconds(until):u} (links live {lifetime.TotalSeconds:F0} s; Easel:Http:ImageApis:UrlLifetimeSeconds).";
        return null;
    }

    private string Sign(string id, string format, long expires) =>
        Convert.ToHexString(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{id}\n{format}\n{expires}"))).ToLowerInvariant();
}
