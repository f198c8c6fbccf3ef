using Easel.Engine;
using Easel.McpServer.Cli;

namespace Easel.McpServer.Mcp.Hosting;

/// <summary><c>easel serve [--http] [--urls URL[;URL]] [--models DIR] [--provider P] [--out DIR] [--verbose]</c>.</summary>
public static class ServeCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stderr, CancellationToken cancellationToken)
    {
        ServeSettings settings;
        try
        {
            var cl = new CommandLine(args, new HashSet<string> { "http", "verbose" });
            bool http = cl.Flag("http"), verbose = cl.Flag("verbose");
            var overrides = new Dictionary<string, string?>();
            if (cl.String("urls") is { } urls)
            {
                var list = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                for (int i = 0; i < list.Length; i++) overrides[$"Easel:Http:Urls:{i}"] = list[i];
            }
            if (cl.String("models") is { } models) overrides["Easel:ModelsPath"] = models;
            if (cl.String("provider") is { } provider) overrides["Easel:ExecutionProvider"] = provider;
            if (cl.String("out") is { } output) overrides["Easel:OutputDirectory"] = output;
            cl.EnsureAllUsed("serve");
            if (cl.Positionals.Count > 0)
                throw new EaselValidationException(cl.Positionals[0], "unexpected argument. Usage: easel serve [--http] [--urls URL]");
            if (!http && overrides.Keys.Any(k => k.StartsWith("Easel:Http:", StringComparison.Ordinal)))
                throw new EaselValidationException("urls", "only applies with --http.");
            settings = ServeSettings.Load(overrides, environment: null, AppContext.BaseDirectory, http, verbose);
        }
        catch (Exception ex) when (ex is EaselException or InvalidOperationException or FileNotFoundException)
        {
            stderr.WriteLine($"easel serve: {ex.Message}");
            return CliApp.ExitUsage;
        }
        return settings.UseHttp
            ? await HttpServer.RunAsync(settings, stderr, cancellationToken).ConfigureAwait(false)
            : await StdioServer.RunAsync(settings, cancellationToken).ConfigureAwait(false);
    }
}
