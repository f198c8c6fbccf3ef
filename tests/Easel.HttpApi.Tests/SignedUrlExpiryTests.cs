using System.Net;
using System.Web;
using Easel.McpServer.Http;

namespace Easel.HttpApi.Tests;

/// <summary><c>response_format: "url"</c> links live the configured time: checked on a clock the test moves, never by waiting.</summary>
public sealed class SignedUrlExpiryTests
{
    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static (string Id, string Format, string? Expires, string? Signature) Parts(string url)
    {
        var uri = new Uri(url);
        var file = uri.Segments[^1];
        var query = HttpUtility.ParseQueryString(uri.Query);
        return (Uri.UnescapeDataString(file[..file.LastIndexOf('.')]), file[(file.LastIndexOf('.') + 1)..], query["expires"], query["signature"]);
    }

    [Fact]
    public void A_link_is_valid_until_its_lifetime_ends_and_refused_after_naming_the_setting()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var urls = new SignedImageUrls(TimeSpan.FromSeconds(90), clock);
        var (id, format, expires, signature) = Parts(urls.Create("http://127.0.0.1:1", "abc123", "png"));
        Assert.Equal(clock.Now.AddSeconds(90).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), expires);

        Assert.Null(urls.Problem(id, format, expires, signature));
        clock.Now = clock.Now.AddSeconds(90);
        Assert.Null(urls.Problem(id, format, expires, signature)); // the last second still counts
        clock.Now = clock.Now.AddSeconds(1);
        var expired = urls.Problem(id, format, expires, signature);
        Assert.NotNull(expired);
        Assert.Contains("expired", expired);
        Assert.Contains("UrlLifetimeSeconds", expired);

        // Extending the expiry breaks the signature, so a link cannot be kept alive by editing it.
        var extended = (long.Parse(expires!, System.Globalization.CultureInfo.InvariantCulture) + 3600).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("signature", urls.Problem(id, format, extended, signature));
        Assert.Contains("signature", urls.Problem(id, "jpeg", expires, signature));
    }

    [Fact]
    public async Task The_server_signs_links_for_the_configured_lifetime()
    {
        await using var server = await ServerHost.StartAsync(settings: new Dictionary<string, string?> { ["Easel:Http:ImageApis:UrlLifetimeSeconds"] = "90" });
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var (response, body) = await server.PostJsonAsync("v1/images/generations", new { prompt = "a dot", response_format = "url", steps = 1, seed = 3 });
        var after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var url = body.GetProperty("data")[0].GetProperty("url").GetString()!;
        long expires = long.Parse(Parts(url).Expires!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires, before + 90, after + 90);
        using var fetched = await server.Http.GetAsync(url).Within("GET the link");
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
    }
}
