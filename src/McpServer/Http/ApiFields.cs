using System.Globalization;
using System.Text.Json;
using Easel.Engine;
using Microsoft.AspNetCore.Http;

namespace Easel.McpServer.Http;

/// <summary>
/// Typed reads of a request's fields, from a JSON object or a multipart form alike. A wrong type fails with an
/// <see cref="EaselValidationException"/> naming the field as the API spells it; an absent field or JSON null reads as null.
/// </summary>
internal sealed class ApiFields
{
    private readonly Dictionary<string, JsonElement> _json = new(StringComparer.Ordinal);
    private readonly IFormCollection? _form;

    private ApiFields(IFormCollection? form) => _form = form;

    public IFormCollection? Form => _form;

    /// <summary>Parses a JSON object body; anything else is a 400 naming the body.</summary>
    public static async Task<ApiFields> FromJsonAsync(HttpRequest request, CancellationToken ct)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, default, ct).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new EaselValidationException("body", $"is not valid JSON ({ex.Message}).");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new EaselValidationException("body", "must be a JSON object.");
            var fields = new ApiFields(null);
            foreach (var property in document.RootElement.EnumerateObject())
                fields._json[property.Name] = property.Value.Clone();
            return fields;
        }
    }

    public static async Task<ApiFields> FromFormAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasFormContentType)
            throw new EaselValidationException("body", "must be multipart/form-data (fields and image files).");
        try
        {
            return new ApiFields(await request.ReadFormAsync(ct).ConfigureAwait(false));
        }
        catch (InvalidDataException ex)
        {
            throw new EaselValidationException("body", $"is not a readable multipart form ({ex.Message}).");
        }
    }

    public bool Has(string name) => Raw(name) is not null || (_json.TryGetValue(name, out var e) && e.ValueKind != JsonValueKind.Null);

    public JsonElement? Json(string name) => _json.TryGetValue(name, out var e) && e.ValueKind != JsonValueKind.Null ? e : null;

    public string? String(string name)
    {
        if (_form is not null) return Raw(name);
        if (Json(name) is not { } e) return null;
        return e.ValueKind == JsonValueKind.String ? e.GetString() : throw Wrong(name, "a string");
    }

    public int? Int(string name) => Number<int>(name, "an integer", s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null,
        e => e.TryGetInt32(out var v) ? v : null);

    public long? Long(string name) => Number<long>(name, "an integer", s => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null,
        e => e.TryGetInt64(out var v) ? v : null);

    public double? Double(string name) => Number<double>(name, "a number", s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null,
        e => e.TryGetDouble(out var v) ? v : null);

    public bool? Bool(string name)
    {
        if (_form is not null)
        {
            var raw = Raw(name);
            if (raw is null) return null;
            return bool.TryParse(raw, out var b) ? b : throw Wrong(name, "true or false");
        }
        if (Json(name) is not { } e) return null;
        return e.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => throw Wrong(name, "true or false") };
    }

    /// <summary>A JSON array of strings (or one string), e.g. A1111's init_images.</summary>
    public IReadOnlyList<string>? Strings(string name)
    {
        if (Json(name) is not { } e) return null;
        if (e.ValueKind == JsonValueKind.String) return [e.GetString()!];
        if (e.ValueKind != JsonValueKind.Array) throw Wrong(name, "an array of strings");
        return e.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Wrong(name, "an array of strings")).ToList();
    }

    /// <summary>The uploaded files of a multipart field (several under "name" or "name[]").</summary>
    public IReadOnlyList<IFormFile> Files(string name) =>
        _form is null ? [] : _form.Files.Where(f => f.Name == name || f.Name == name + "[]").ToList();

    private T? Number<T>(string name, string kind, Func<string, T?> parse, Func<JsonElement, T?> read) where T : struct
    {
        if (_form is not null)
        {
            var raw = Raw(name);
            if (raw is null) return null;
            return parse(raw.Trim()) ?? throw Wrong(name, kind);
        }
        if (Json(name) is not { } e) return null;
        if (e.ValueKind == JsonValueKind.Number) return read(e) ?? throw Wrong(name, kind);
        // Pydantic-style clients (A1111 scripts) send numbers as strings at times.
        if (e.ValueKind == JsonValueKind.String) return parse(e.GetString()!.Trim()) ?? throw Wrong(name, kind);
        throw Wrong(name, kind);
    }

    private string? Raw(string name)
    {
        if (_form is null || !_form.TryGetValue(name, out var values) || values.Count == 0) return null;
        return values[0];
    }

    private EaselValidationException Wrong(string name, string kind)
    {
        string shown = _form is not null ? $"'{Raw(name)}'" : Json(name)?.GetRawText() is { } raw ? (raw.Length > 40 ? raw[..40] + "…" : raw) : "null";
        return new EaselValidationException(name, $"{shown} is not {kind}.");
    }
}
