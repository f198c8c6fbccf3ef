using Easel.Engine;
using Easel.Engine.Imaging;
using Easel.Engine.Schedulers;
using Microsoft.AspNetCore.Http;

namespace Easel.McpServer.Http.A1111;

/// <summary>A sampler as <c>/sdapi/v1/samplers</c> lists it: A1111's display name and aliases for an Easel scheduler.</summary>
internal sealed record A1111Sampler(string Name, string Scheduler, IReadOnlyList<string> Aliases);

/// <summary>
/// A1111 sampler names ↔ Easel schedulers. The display names are the ones Easel already writes into a PNG's A1111
/// "parameters" text (<see cref="ImageMetadata.SamplerDisplayName"/>), so a request, a response and a file agree.
/// </summary>
internal static class A1111Samplers
{
    public static IReadOnlyList<A1111Sampler> All { get; } = SchedulerFactory.Names
        .Select(name => new A1111Sampler(ImageMetadata.SamplerDisplayName(name), name, Aliases(name)))
        .ToList();

    /// <summary>A1111 ≥ 1.9 sends the noise schedule separately ("Automatic", "Karras", …).</summary>
    private static readonly string[] Schedules = ["Automatic", "Karras"];

    /// <summary>The Easel scheduler for an A1111 sampler_name (and schedule), or null for the model's default.</summary>
    public static string? Resolve(string? samplerName, string? schedule)
    {
        string? scheduler = null;
        if (!string.IsNullOrWhiteSpace(samplerName))
        {
            var wanted = samplerName.Trim();
            var sampler = All.FirstOrDefault(s => s.Name.Equals(wanted, StringComparison.OrdinalIgnoreCase) || s.Aliases.Contains(wanted, StringComparer.OrdinalIgnoreCase))
                ?? throw new ApiStatusException(StatusCodes.Status404NotFound,
                    $"sampler_name: Sampler not found: '{samplerName}'. Easel offers: {string.Join(", ", All.Select(s => s.Name))}.");
            scheduler = sampler.Scheduler;
        }
        if (string.IsNullOrWhiteSpace(schedule) || schedule.Trim().Equals("Automatic", StringComparison.OrdinalIgnoreCase)) return scheduler;
        if (schedule.Trim().Equals("Karras", StringComparison.OrdinalIgnoreCase))
        {
            if (scheduler is SchedulerFactory.DpmPlusPlus2M or SchedulerFactory.DpmPlusPlus2MKarras) return SchedulerFactory.DpmPlusPlus2MKarras;
            throw new EaselValidationException("scheduler", $"'Karras' is offered with sampler 'DPM++ 2M' only (got '{samplerName ?? "(model default)"}').");
        }
        throw new EaselValidationException("scheduler", $"'{schedule}' is not one of {string.Join(", ", Schedules)}.");
    }

    private static string[] Aliases(string scheduler) => scheduler switch
    {
        SchedulerFactory.EulerAncestral => ["k_euler_a", "k_euler_ancestral", scheduler],
        SchedulerFactory.Pndm => ["plms", scheduler],
        SchedulerFactory.Ddim => [scheduler],
        _ => ["k_" + scheduler, scheduler],
    };
}
