using System.Collections.Concurrent;
using System.Net;
using Easel.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Easel.HttpApi.Tests;

/// <summary>
/// The prompt policy and the safety checker through the OpenAI and A1111 routes: each API's content-policy error,
/// naming the category but not the text, nothing saved, and the audit line in the server log.
/// </summary>
public sealed class ResponsibleGenerationTests
{
    private const string Refused = "isis propaganda poster";

    [Fact]
    public async Task The_prompt_policy_refusal_is_an_OpenAI_content_policy_error_and_an_A1111_400()
    {
        await using var server = await ServerHost.StartAsync();
        var log = Capture(server);

        var (openai, body) = await server.PostJsonAsync("v1/images/generations", new { prompt = Refused, size = "64x64" });
        Assert.Equal(HttpStatusCode.BadRequest, openai.StatusCode);
        var error = body.GetProperty("error");
        Assert.Equal("content_policy_violation", error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("prompt", error.GetProperty("param").GetString());
        Assert.Equal("prompt: refused by the prompt policy (category: violent extremism).", error.GetProperty("message").GetString());

        var (a1111, detail) = await server.PostJsonAsync("sdapi/v1/txt2img", new { prompt = "a cat", negative_prompt = Refused, steps = 2 });
        Assert.Equal(HttpStatusCode.BadRequest, a1111.StatusCode);
        Assert.Equal("negative_prompt: refused by the prompt policy (category: violent extremism).", detail.GetProperty("detail").GetString());
        Assert.Equal("HTTPException", detail.GetProperty("error").GetString());

        Assert.DoesNotContain("isis", body.ToString());
        Assert.DoesNotContain("isis", detail.ToString());
        Assert.Empty(server.Output.Pngs);
        Assert.Contains(log, l => l.Contains("prompt policy: refused prompt (category violent extremism)"));
        Assert.Contains(log, l => l.Contains("prompt policy: refused negative_prompt (category violent extremism)"));
        Assert.All(log, l => Assert.DoesNotContain("isis", l));
    }

    [Fact]
    public async Task The_official_openai_client_sees_a_BadRequestError_with_content_policy_violation()
    {
        await using var server = await ServerHost.StartAsync();
        var policy = await OpenAiPeer.RunAsync(new { scenario = "error-policy", baseURL = new Uri(server.BaseUri, "v1").ToString(), apiKey = "unused" });
        Assert.False(policy.GetProperty("ok").GetBoolean(), policy.ToString());
        var error = policy.GetProperty("error");
        Assert.Equal("BadRequestError", error.GetProperty("class").GetString());
        Assert.Equal("content_policy_violation", error.GetProperty("code").GetString());
        Assert.Contains("category: violent extremism", error.GetProperty("message").GetString());
        Assert.DoesNotContain("isis", error.GetProperty("message").GetString());

        await using var checking = await ServerHost.StartAsync(settings: new Dictionary<string, string?> { ["Easel:SafetyCheckerPath"] = SafetyFixtures.Checker("always") });
        var safety = await OpenAiPeer.RunAsync(new { scenario = "error-safety", baseURL = new Uri(checking.BaseUri, "v1").ToString(), apiKey = "unused" });
        Assert.False(safety.GetProperty("ok").GetBoolean(), safety.ToString());
        Assert.Equal("content_policy_violation", safety.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("safety checker", safety.GetProperty("error").GetProperty("message").GetString());
        Assert.Empty(checking.Output.Pngs);
    }

    [Fact]
    public async Task A_blocking_safety_checker_refuses_on_both_APIs_and_a_flagging_one_warns()
    {
        await using (var blocking = await ServerHost.StartAsync(settings: new Dictionary<string, string?> { ["Easel:SafetyCheckerPath"] = SafetyFixtures.Checker("always") }))
        {
            var log = Capture(blocking);
            var (openai, body) = await blocking.PostJsonAsync("v1/images/generations", new { prompt = "a red circle", size = "64x64", steps = 2 });
            Assert.Equal(HttpStatusCode.BadRequest, openai.StatusCode);
            Assert.Equal("content_policy_violation", body.GetProperty("error").GetProperty("code").GetString());
            Assert.StartsWith("safety checker: 1 of 1 image(s) flagged as unsafe and withheld", body.GetProperty("error").GetProperty("message").GetString());
            var (a1111, detail) = await blocking.PostJsonAsync("sdapi/v1/txt2img", new { prompt = "a red circle", steps = 2, batch_size = 2 });
            Assert.Equal(HttpStatusCode.BadRequest, a1111.StatusCode);
            Assert.StartsWith("safety checker: 2 of 2 image(s) flagged", detail.GetProperty("detail").GetString());
            Assert.Empty(blocking.Output.Pngs);
            Assert.Equal(3, log.Count(l => l.StartsWith("safety checker: flagged image", StringComparison.Ordinal)));
        }

        await using var flagging = await ServerHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Easel:SafetyCheckerPath"] = SafetyFixtures.Checker("always"),
            ["Easel:SafetyChecker"] = "flag",
        });
        var (ok, result) = await flagging.PostJsonAsync("v1/images/generations", new { prompt = "a red circle", size = "64x64", steps = 2, seed = 4 });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Single(result.GetProperty("data").EnumerateArray());
        Assert.StartsWith("safety checker: image 0 (seed 4) was flagged as unsafe; saved",
            Assert.Single(result.GetProperty("easel").GetProperty("warnings").EnumerateArray()).GetString());
    }

    /// <summary>Every log line the server writes from now on (the console provider stays; this one is added beside it).</summary>
    private static ConcurrentQueue<string> Capture(ServerHost server)
    {
        var provider = new QueueLoggerProvider();
        server.App.Services.GetRequiredService<ILoggerFactory>().AddProvider(provider);
        return provider.Lines;
    }

    private sealed class QueueLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();
        public ILogger CreateLogger(string categoryName) => new Logger(Lines);
        public void Dispose() { }

        private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(formatter(state, exception));
        }
    }
}
