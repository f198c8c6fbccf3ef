using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Easel.McpServer.Mcp.Hosting;

/// <summary>
/// Sits between stdin/stdout and the SDK's stream transport. The SDK drops, without a reply, every line it cannot
/// read as one JSON-RPC message object (a batch array, a number, a line that is not JSON), so a client waits forever;
/// this answers those lines itself as JSON-RPC asks (-32700 parse error, -32600 invalid request, id null when none can
/// be read) and passes every object line on, a leading byte order mark removed. Its replies and the SDK's messages
/// share <see cref="Output"/>, which writes whole lines only, so the two never interleave.
/// </summary>
internal sealed class StdioLineFilter : IAsyncDisposable
{
    private readonly Stream _stdin;
    private readonly Pipe _toSdk = new();
    private readonly LineAtomicStream _output;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    public StdioLineFilter(Stream stdin, Stream stdout)
    {
        _stdin = stdin;
        _output = new LineAtomicStream(stdout);
        Input = _toSdk.Reader.AsStream();
        _pump = PumpAsync();
    }

    /// <summary>What the SDK reads: the client's lines that are JSON objects.</summary>
    public Stream Input { get; }

    /// <summary>What the SDK writes to: stdout, one whole line at a time.</summary>
    public Stream Output => _output;

    private async Task PumpAsync()
    {
        var sdk = _toSdk.Writer;
        try
        {
            using var reader = new StreamReader(_stdin, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
            // WaitAsync: console streams ignore cancellation, so a stop must not wait for the next line.
            while (await reader.ReadLineAsync(_stop.Token).AsTask().WaitAsync(_stop.Token).ConfigureAwait(false) is { } line)
            {
                line = line.TrimStart('\uFEFF');
                if (Refusal(line) is { } reply)
                {
                    await _output.WriteLineAsync(reply, _stop.Token).ConfigureAwait(false);
                    continue;
                }
                await sdk.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
        catch (IOException) { } // stdin or stdout went away: the SDK sees the end of its input and shuts down
        finally
        {
            await sdk.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The error reply for a line the SDK would drop, or null to pass it on.</summary>
    internal static string? Refusal(string line)
    {
        var text = line.AsSpan().Trim();
        if (text.IsEmpty) return null;
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(line, documentOptions: new JsonDocumentOptions { MaxDepth = 4096 });
        }
        catch (JsonException ex)
        {
            // An object the SDK can still take an id from gets its parse error from the SDK, by that id.
            if (text[0] == '{' && HasTopLevelId(line)) return null;
            return Error(-32700, $"Parse error: the line is not JSON ({ex.Message}). Send one JSON-RPC message object per line.");
        }
        return node switch
        {
            JsonObject => null,
            JsonArray => Error(-32600, "Invalid Request: JSON-RPC batches (arrays) are not supported by MCP; send one JSON-RPC message object per line."),
            null => Error(-32600, "Invalid Request: a JSON-RPC message must be a JSON object, not null."),
            _ => Error(-32600, $"Invalid Request: a JSON-RPC message must be a JSON object, not a {node.GetValueKind().ToString().ToLowerInvariant()}."),
        };
    }

    private static string Error(int code, string message) =>
        new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = null,
            ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
        }.ToJsonString();

    /// <summary>Whether a malformed object line still has an "id" before the point where it breaks.</summary>
    private static bool HasTopLevelId(string line)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(line), new JsonReaderOptions { MaxDepth = 4096 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("id"u8))
                    return reader.Read() && reader.TokenType is JsonTokenType.String or JsonTokenType.Number;
                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException) { }
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _pump.ConfigureAwait(false);
        }
        catch (OperationCanceledException) { }
        _stop.Dispose();
    }

    /// <summary>Passes bytes to the inner stream up to each newline, so lines from two writers never mix.</summary>
    private sealed class LineAtomicStream(Stream inner) : Stream
    {
        private readonly SemaphoreSlim _lock = new(1, 1);
        private readonly MemoryStream _partial = new();

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public async Task WriteLineAsync(string line, CancellationToken cancellationToken)
        {
            await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await inner.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), cancellationToken).ConfigureAwait(false);
                await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _lock.Release();
            }
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                int end = buffer.Span.LastIndexOf((byte)'\n');
                if (end < 0)
                {
                    _partial.Write(buffer.Span);
                    return;
                }
                if (_partial.Length > 0)
                {
                    await inner.WriteAsync(_partial.GetBuffer().AsMemory(0, (int)_partial.Length), cancellationToken).ConfigureAwait(false);
                    _partial.SetLength(0);
                }
                await inner.WriteAsync(buffer[..(end + 1)], cancellationToken).ConfigureAwait(false);
                _partial.Write(buffer.Span[(end + 1)..]);
            }
            finally
            {
                _lock.Release();
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _lock.Release();
            }
        }

        public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                _partial.Dispose();
                _lock.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
