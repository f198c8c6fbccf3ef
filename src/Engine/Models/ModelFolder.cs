using System.Text.Json;
using System.Text.Json.Nodes;
using Easel.Engine.Onnx;
using Easel.Engine.Schedulers;
using Easel.Engine.Text;

namespace Easel.Engine.Models;

/// <summary>
/// A diffusers ONNX model folder as people download it (model_index.json, scheduler/, tokenizer/, text_encoder/,
/// unet/, vae_decoder/, vae_encoder/, SDXL's text_encoder_2/ and tokenizer_2/). Sessions are created on first use
/// from file paths (so external weights beside them load) and reused by every caller.
/// </summary>
public sealed class ModelFolder : IDisposable
{
    private readonly SessionOptionsFactory _sessionOptions;
    private readonly Dictionary<string, Lazy<OnnxModel>> _sessions = new();
    private readonly Lazy<ModelCapabilities> _capabilities;
    private readonly Dictionary<string, Lazy<OnnxSignature>> _signatures = new();
    private readonly Lazy<PromptEncoder> _promptEncoder;

    public ModelFolder(string root, SessionOptionsFactory sessionOptions, string? name = null)
    {
        Root = Path.GetFullPath(root);
        Name = name ?? Path.GetFileName(Root.TrimEnd(Path.DirectorySeparatorChar));
        _sessionOptions = sessionOptions;
        if (!Directory.Exists(Root))
            throw new EaselException($"Model folder not found: {Root}");
        try
        {
            ModelIndex = ReadJson(Path.Combine(Root, "model_index.json"), required: false) ?? new JsonObject();
            SchedulerConfig = File.Exists(SchedulerConfigPath) ? Schedulers.SchedulerConfig.Load(SchedulerConfigPath) : new SchedulerConfig();
        }
        catch (Exception ex) when (IsFolderFault(ex))
        {
            throw Broken(ex);
        }
        foreach (var component in new[] { "text_encoder", "text_encoder_2", "unet", "vae_decoder", "vae_encoder" })
        {
            var path = ComponentModelPath(component);
            if (path is null) continue;
            _sessions[component] = new Lazy<OnnxModel>(() => OnnxModel.Load(path, _sessionOptions), LazyThreadSafetyMode.ExecutionAndPublication);
            _signatures[component] = new Lazy<OnnxSignature>(() => OnnxSignatureReader.Read(path), LazyThreadSafetyMode.ExecutionAndPublication);
        }
        foreach (var required in new[] { "unet", "vae_decoder" })
            if (!_sessions.ContainsKey(required))
                throw new EaselException($"Model folder '{Root}' has no {required}/model.onnx; a diffusers ONNX export needs text_encoder/, unet/ and vae_decoder/.");
        if (!_sessions.ContainsKey("text_encoder") && !_sessions.ContainsKey("text_encoder_2"))
            throw new EaselException($"Model folder '{Root}' has no text_encoder/model.onnx.");
        if (!File.Exists(Path.Combine(TokenizerDirectory, "vocab.json")) && Tokenizer2Directory is null)
            throw new EaselException($"Model folder '{Root}' has no tokenizer/vocab.json.");
        // Tokenizers load here, once per folder, so a broken vocab.json or merges.txt is reported when the model is
        // listed or first named, with the file and the problem, never as an exception in the middle of a run.
        Tokenizer = File.Exists(Path.Combine(TokenizerDirectory, "vocab.json")) ? LoadTokenizer(TokenizerDirectory) : null;
        Tokenizer2 = Tokenizer2Directory is { } second ? LoadTokenizer(second) : null;
        _promptEncoder = new Lazy<PromptEncoder>(() => new PromptEncoder(this), LazyThreadSafetyMode.ExecutionAndPublication);
        _capabilities = new Lazy<ModelCapabilities>(() =>
        {
            try
            {
                return ModelCapabilityDetector.Detect(this);
            }
            catch (Exception ex) when (IsFolderFault(ex))
            {
                throw Broken(ex);
            }
        });
    }

    /// <summary>tokenizer/ (null when the folder has only tokenizer_2/, as SDXL refiners do).</summary>
    public ClipTokenizer? Tokenizer { get; }

    /// <summary>The folder's prompt encoder, built once and shared by every request (it holds no per-request state).</summary>
    public PromptEncoder PromptEncoder => _promptEncoder.Value;

    /// <summary>tokenizer_2/ of SDXL folders.</summary>
    public ClipTokenizer? Tokenizer2 { get; }

    private ClipTokenizer LoadTokenizer(string directory)
    {
        try
        {
            return ClipTokenizer.FromFolder(directory);
        }
        catch (Exception ex) when (IsFolderFault(ex))
        {
            throw Broken(ex);
        }
    }

    /// <summary>Exceptions that mean a file of the folder is missing or malformed (not a bug in Easel).</summary>
    internal static bool IsFolderFault(Exception ex) => ex is not EaselException and
        (IOException or InvalidDataException or JsonException or FormatException or InvalidOperationException
         or OverflowException or ArgumentException or KeyNotFoundException or UnauthorizedAccessException or InvalidCastException);

    private EaselException Broken(Exception ex) => new($"model '{Name}' ({Root}) is broken: {ex.Message}", ex);

    public string Root { get; }
    public string Name { get; }
    public JsonObject ModelIndex { get; }
    public SchedulerConfig SchedulerConfig { get; }
    public string SchedulerConfigPath => Path.Combine(Root, "scheduler", "scheduler_config.json");
    public string TokenizerDirectory => Path.Combine(Root, "tokenizer");
    public string? Tokenizer2Directory => Directory.Exists(Path.Combine(Root, "tokenizer_2")) ? Path.Combine(Root, "tokenizer_2") : null;

    public ModelCapabilities Capabilities => _capabilities.Value;

    public OnnxModel? TextEncoder => Session("text_encoder");
    public OnnxModel? TextEncoder2 => Session("text_encoder_2");
    public OnnxModel Unet => Session("unet")!;
    public OnnxModel VaeDecoder => Session("vae_decoder")!;
    public OnnxModel? VaeEncoder => Session("vae_encoder");
    public bool HasComponent(string component) => _sessions.ContainsKey(component);

    /// <summary>A component's declared inputs and outputs, read from the file without creating a session.</summary>
    public OnnxSignature? Signature(string component) => _signatures.TryGetValue(component, out var lazy) ? lazy.Value : null;

    public JsonObject? ComponentConfig(string component) => ReadJson(Path.Combine(Root, component, "config.json"), required: false);

    private OnnxModel? Session(string component)
    {
        if (!_sessions.TryGetValue(component, out var lazy)) return null;
        if (!lazy.IsValueCreated && _sessionOptions.Runtime.ParallelSessionCreation && GenerationComponents.Contains(component))
            LoadSessions();
        return lazy.Value;
    }

    /// <summary>What text-to-image needs; the VAE encoder loads only when an edit first asks for it.</summary>
    private static readonly string[] GenerationComponents = ["text_encoder", "text_encoder_2", "unet", "vae_decoder"];

    /// <summary>Creates the sessions text-to-image needs at once, in parallel (reading files and optimizing graphs
    /// overlap); a component that fails reports its own error when it is asked for.</summary>
    public void LoadSessions()
    {
        var pending = GenerationComponents.Where(c => _sessions.TryGetValue(c, out var l) && !l.IsValueCreated)
            .Select(c => _sessions[c]).ToList();
        if (pending.Count == 0) return;
        try
        {
            Task.WaitAll(pending.Select(l => Task.Run(() => l.Value)).ToArray());
        }
        catch (AggregateException)
        {
            // Each Lazy keeps its exception; the caller's own access rethrows it with the component's message.
        }
    }

    private string? ComponentModelPath(string component)
    {
        var dir = Path.Combine(Root, component);
        if (!Directory.Exists(dir)) return null;
        var standard = Path.Combine(dir, "model.onnx");
        if (File.Exists(standard)) return standard;
        var onnx = Directory.GetFiles(dir, "*.onnx");
        return onnx.Length == 1 ? onnx[0] : null;
    }

    internal static JsonObject? ReadJson(string path, bool required)
    {
        if (!File.Exists(path))
            return required ? throw new EaselException($"Missing file: {path}") : null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new EaselException($"'{path}' is not a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new EaselException($"'{path}' is not valid JSON: {ex.Message}", ex);
        }
    }

    public void Dispose()
    {
        foreach (var lazy in _sessions.Values)
            if (lazy.IsValueCreated) lazy.Value.Dispose();
    }
}
