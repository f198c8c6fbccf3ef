using System.Net;
using System.Security.Cryptography;
using System.Text;
using Easel.McpServer.Mcp.Hosting;

namespace Easel.McpServer.Mcp.Http;

/// <summary>
/// Who may talk to the HTTP endpoint. DNS rebinding lets a web page reach a loopback server under a foreign
/// name, so the Host header must be a loopback name when the server listens on loopback only, and a browser's
/// Origin must be a loopback origin or explicitly allowed. Beyond loopback a bearer token is mandatory.
/// </summary>
public sealed class HttpSafetyPolicy
{
    private readonly byte[]? _apiKey;
    private readonly HashSet<string> _origins;
    private readonly HashSet<string> _hosts;

    public HttpSafetyPolicy(HttpSettings settings)
    {
        _apiKey = string.IsNullOrEmpty(settings.ApiKey) ? null : Encoding.UTF8.GetBytes(settings.ApiKey);
        _origins = new HashSet<string>(settings.AllowedOrigins.Select(o => o.Trim().TrimEnd('/')), StringComparer.OrdinalIgnoreCase);
        _hosts = new HashSet<string>(settings.AllowedHosts.Select(h => h.Trim()), StringComparer.OrdinalIgnoreCase);
        LoopbackOnly = settings.Urls.All(IsLoopbackUrl);
    }

    /// <summary>Every listening address is a loopback one (after <see cref="ConfirmBound"/>: the addresses actually bound).</summary>
    public bool LoopbackOnly { get; private set; }
    public bool RequiresToken => _apiKey is not null;

    /// <summary>Why every request is refused now (the server has not confirmed its addresses, or must not serve); null once serving.</summary>
    public string? Refusal { get; private set; } = "Easel is starting; try again in a moment.";

    /// <summary>
    /// Checks the addresses Kestrel actually bound — ASPNETCORE_URLS, Kestrel environment variables or an
    /// appsettings Kestrel:Endpoints section can add to or replace the configured URLs — and starts serving only when
    /// none is reachable beyond loopback without an API key. Returns the problem, or null.
    /// </summary>
    public string? ConfirmBound(IReadOnlyCollection<string> addresses)
    {
        var exposed = addresses.Where(a => !IsLoopbackUrl(a)).ToList();
        LoopbackOnly = exposed.Count == 0 && addresses.Count > 0;
        if (exposed.Count > 0 && _apiKey is null)
        {
            Refusal = ExposedWithoutKey(exposed) + " (these addresses came from the bound configuration, e.g. ASPNETCORE_URLS or Kestrel:Endpoints).";
            return Refusal;
        }
        Refusal = null;
        return null;
    }

    /// <summary>Why the server must not start with these settings, or null.</summary>
    public static string? StartupProblem(HttpSettings settings)
    {
        var exposed = settings.Urls.Where(u => !IsLoopbackUrl(u)).ToList();
        return exposed.Count > 0 && string.IsNullOrEmpty(settings.ApiKey) ? ExposedWithoutKey(exposed) : null;
    }

    private static string ExposedWithoutKey(IEnumerable<string> exposed) =>
        $"refusing to listen on {string.Join(", ", exposed)} without an API key: anyone who can reach it could run generations and read images. " +
        "Set EASEL_API_KEY (clients send 'Authorization: Bearer <key>', or HTTP Basic with the key as password), or bind to loopback (--urls http://127.0.0.1:8765).";

    /// <summary>The Host header (name and optional port) is acceptable.</summary>
    public bool HostAllowed(string? host)
    {
        if (string.IsNullOrEmpty(host)) return false; // HTTP/1.1 requires one; a missing Host is not a real client
        var name = HostName(host);
        if (IsLoopbackName(name) || _hosts.Contains(host) || _hosts.Contains(name)) return true;
        return !LoopbackOnly && _hosts.Count == 0;
    }

    /// <summary>An Origin header (absent for non-browser clients) is a loopback origin or allowed explicitly.</summary>
    public bool OriginAllowed(string? origin)
    {
        if (string.IsNullOrEmpty(origin)) return true;
        var trimmed = origin.Trim().TrimEnd('/');
        if (_origins.Contains("*") || _origins.Contains(trimmed)) return true;
        return Uri.TryCreate(trimmed, UriKind.Absolute, out var uri)
               && uri.Scheme is "http" or "https"
               && IsLoopbackName(uri.Host);
    }

    /// <summary>
    /// The Authorization header carries the configured key (always true when none is configured): as a bearer token
    /// (OpenAI SDKs, MCP clients), or as the password of HTTP Basic credentials with any user name — what Open WebUI
    /// sends for its AUTOMATIC1111 engine (<c>AUTOMATIC1111_API_AUTH</c> "user:password", base64-encoded after "Basic ").
    /// </summary>
    public bool Authorized(string? authorization)
    {
        if (_apiKey is null) return true;
        if (authorization is null) return false;
        var presented = Presented(authorization.Trim());
        return presented is not null && CryptographicOperations.FixedTimeEquals(presented, _apiKey);
    }

    /// <summary>The key bytes a Bearer or Basic header presents, or null for anything else.</summary>
    private static byte[]? Presented(string authorization)
    {
        const string bearer = "Bearer ", basic = "Basic ";
        if (authorization.StartsWith(bearer, StringComparison.OrdinalIgnoreCase))
            return Encoding.UTF8.GetBytes(authorization[bearer.Length..].Trim());
        if (!authorization.StartsWith(basic, StringComparison.OrdinalIgnoreCase)) return null;
        byte[] credentials;
        try
        {
            credentials = Convert.FromBase64String(authorization[basic.Length..].Trim());
        }
        catch (FormatException)
        {
            return null;
        }
        // RFC 7617: user-id ":" password; the user id cannot contain a colon, the password can.
        int colon = Array.IndexOf(credentials, (byte)':');
        return colon < 0 ? null : credentials[(colon + 1)..];
    }

    /// <summary>A listen URL that only loopback clients can reach (localhost, 127.0.0.0/8, ::1).</summary>
    public static bool IsLoopbackUrl(string url)
    {
        int start = url.IndexOf("://", StringComparison.Ordinal);
        var rest = start >= 0 ? url[(start + 3)..] : url;
        int slash = rest.IndexOf('/');
        if (slash >= 0) rest = rest[..slash];
        return IsLoopbackName(HostName(rest));
    }

    private static string HostName(string hostAndPort)
    {
        if (hostAndPort.StartsWith('['))
        {
            int close = hostAndPort.IndexOf(']');
            return close > 0 ? hostAndPort[1..close] : hostAndPort;
        }
        int colon = hostAndPort.LastIndexOf(':');
        return colon >= 0 && hostAndPort.IndexOf(':') == colon ? hostAndPort[..colon] : hostAndPort;
    }

    private static bool IsLoopbackName(string name)
    {
        name = name.Trim('[', ']');
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(name, out var ip) && IPAddress.IsLoopback(ip);
    }
}
