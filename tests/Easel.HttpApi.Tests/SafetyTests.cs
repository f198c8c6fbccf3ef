using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Easel.HttpApi.Tests;

/// <summary>The new routes sit behind the same guard as /mcp: token, Host and Origin checks, with each API's error shape; and a body limit.</summary>
public sealed class SafetyTests
{
    private const string Key = "s3cret-token";

    [Theory]
    [InlineData("v1/models")]
    [InlineData("sdapi/v1/sd-models")]
    [InlineData("health")]
    [InlineData("ready")]
    public async Task A_configured_key_is_required_on_every_new_route(string path)
    {
        await using var server = await ServerHost.StartAsync(Key);
        var (missing, missingBody) = await server.GetJsonAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(path.StartsWith("sdapi", StringComparison.Ordinal) ? "Basic" : "Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);
        var (wrong, _) = await server.GetJsonAsync(path, r => r.Headers.Authorization = new("Bearer", Key + "x"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var (right, _) = await server.GetJsonAsync(path, r => r.Headers.Authorization = new("Bearer", Key));
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);

        // Each API's own error shape, carrying the guard's message.
        string message = path.StartsWith("v1", StringComparison.Ordinal) ? missingBody.GetProperty("error").GetProperty("message").GetString()!
            : path.StartsWith("sdapi", StringComparison.Ordinal) ? missingBody.GetProperty("detail").GetString()!
            : missingBody.GetProperty("error").GetString()!;
        Assert.Contains("Authorization: Bearer <EASEL_API_KEY>", message);
        Assert.Contains("HTTP Basic", message);
    }

    /// <summary>
    /// Open WebUI's AUTOMATIC1111 engine sends <c>authorization: Basic base64(AUTOMATIC1111_API_AUTH)</c> with the setting
    /// encoded as UTF-8 (backend/open_webui/routers/images.py, get_automatic1111_api_auth), and an empty
    /// <c>authorization</c> header when the setting is unset.
    /// </summary>
    private static string OpenWebUiA1111Authorization(string apiAuth) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(apiAuth));

    [Theory]
    [InlineData("sdapi/v1/sd-models")]
    [InlineData("sdapi/v1/options")]
    [InlineData("v1/models")]
    public async Task Open_WebUI_basic_auth_with_the_key_as_password_is_accepted_and_any_other_is_not(string path)
    {
        await using var server = await ServerHost.StartAsync(Key);
        async Task<HttpStatusCode> Status(string? authorization)
        {
            var (response, _) = await server.GetJsonAsync(path, r =>
            {
                if (authorization is not null) r.Headers.TryAddWithoutValidation("authorization", authorization);
            });
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await Status(OpenWebUiA1111Authorization("easel:" + Key)));
        Assert.Equal(HttpStatusCode.OK, await Status(OpenWebUiA1111Authorization("any-user:" + Key)));
        Assert.Equal(HttpStatusCode.OK, await Status(OpenWebUiA1111Authorization(":" + Key)));
        Assert.Equal(HttpStatusCode.Unauthorized, await Status(OpenWebUiA1111Authorization("easel:" + Key + "x")));
        Assert.Equal(HttpStatusCode.Unauthorized, await Status(OpenWebUiA1111Authorization(Key + ":easel"))); // the key as user name is not the password
        Assert.Equal(HttpStatusCode.Unauthorized, await Status(OpenWebUiA1111Authorization(Key))); // no colon: not Basic credentials
        Assert.Equal(HttpStatusCode.Unauthorized, await Status("Basic not-base64!")); // refused, not a 500
        Assert.Equal(HttpStatusCode.Unauthorized, await Status("")); // what Open WebUI sends with no AUTOMATIC1111_API_AUTH
    }

    [Fact]
    public async Task Without_a_key_the_empty_authorization_header_Open_WebUI_sends_is_accepted()
    {
        await using var server = await ServerHost.StartAsync();
        var (response, _) = await server.GetJsonAsync("sdapi/v1/sd-models", r => r.Headers.TryAddWithoutValidation("authorization", ""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_password_containing_colons_is_compared_whole()
    {
        const string colonKey = "k:with:colons";
        await using var server = await ServerHost.StartAsync(colonKey);
        var (ok, _) = await server.GetJsonAsync("sdapi/v1/samplers", r => r.Headers.TryAddWithoutValidation("authorization", OpenWebUiA1111Authorization("user:" + colonKey)));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var (partial, _) = await server.GetJsonAsync("sdapi/v1/samplers", r => r.Headers.TryAddWithoutValidation("authorization", OpenWebUiA1111Authorization("user:k:with")));
        Assert.Equal(HttpStatusCode.Unauthorized, partial.StatusCode);
    }

    [Fact]
    public async Task A_refused_openai_request_runs_nothing()
    {
        await using var server = await ServerHost.StartAsync(Key);
        var (response, body) = await server.PostJsonAsync("v1/images/generations", new { prompt = "x", steps = 2 }, apiKey: "nope");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_api_key", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(server.Output.Pngs);
    }

    [Theory]
    [InlineData("v1/models")]
    [InlineData("sdapi/v1/samplers")]
    [InlineData("health")]
    public async Task Foreign_hosts_and_origins_are_refused_and_loopback_ones_accepted(string path)
    {
        await using var server = await ServerHost.StartAsync();
        var port = server.BaseUri.Port;
        var (evilOrigin, _) = await server.GetJsonAsync(path, r => r.Headers.Add("Origin", "http://evil.example.com"));
        Assert.Equal(HttpStatusCode.Forbidden, evilOrigin.StatusCode);
        var (rebinding, _) = await server.GetJsonAsync(path, r => r.Headers.Host = "evil.example.com:" + port);
        Assert.Equal(HttpStatusCode.Forbidden, rebinding.StatusCode);
        var (local, _) = await server.GetJsonAsync(path, r => { r.Headers.Host = "localhost:" + port; r.Headers.Add("Origin", "http://localhost:" + port); });
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_with_413_before_any_work()
    {
        await using var server = await ServerHost.StartAsync(settings: new Dictionary<string, string?> { ["Easel:Http:ImageApis:MaxRequestBytes"] = "4096" });
        var big = new { prompt = new string('a', 10_000), steps = 2 };
        var (response, body) = await server.PostJsonAsync("v1/images/generations", big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("4096", body.GetProperty("error").GetProperty("message").GetString());

        using var content = new StringContent("{\"prompt\": \"" + new string('b', 10_000) + "\"}", Encoding.UTF8, "application/json");
        using var a1111 = await server.Http.PostAsync("sdapi/v1/txt2img", content).Within("A1111 oversized POST");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, a1111.StatusCode);
        Assert.Empty(server.Output.Pngs);
    }

    [Fact]
    public async Task Malformed_bodies_name_the_problem()
    {
        await using var server = await ServerHost.StartAsync();
        using var notJson = new StringContent("{prompt:", Encoding.UTF8, "application/json");
        using var response = await server.Http.PostAsync("v1/images/generations", notJson).Within("POST bad JSON");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await ServerHost.ReadJsonAsync(response);
        Assert.StartsWith("body:", body.GetProperty("error").GetProperty("message").GetString());

        var (wrongType, wrongBody) = await server.PostJsonAsync("v1/images/generations", new { prompt = "x", n = "two" });
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Equal("n", wrongBody.GetProperty("error").GetProperty("param").GetString());

        using var json = JsonContent.Create(new { prompt = "x" });
        using var edit = await server.Http.PostAsync("v1/images/edits", json).Within("POST edits as JSON");
        Assert.Equal(HttpStatusCode.BadRequest, edit.StatusCode);
        Assert.Contains("multipart", (await ServerHost.ReadJsonAsync(edit)).GetProperty("error").GetProperty("message").GetString());

        var (unknownRoute, unknownBody) = await server.GetJsonAsync("v1/no-such-route");
        Assert.Equal(HttpStatusCode.NotFound, unknownRoute.StatusCode);
        Assert.Contains("Invalid URL", unknownBody.GetProperty("error").GetProperty("message").GetString());
    }
}
