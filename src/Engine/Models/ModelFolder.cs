using System.Text.Json;
using System.Text.Json.Nodes;
using Easel.Engine.Onnx;
using Easel.Engine.Schedulers;

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

    public ModelFolder(string root, SessionOptionsFactory sessionOptions, string? name = null)
    {
        Root = Path.GetFullPath(root);
        Name = name ?? Path.GetFileName(Root.TrimEnd(Path.DirectorySeparatorChar));
        _sessionOptions = sessionOptions;
        if (!Directory.Exists(Root))
            throw new EaselException($"Model folder not found: {Root}");
        ModelIndex = ReadJson(Path.Combine(Root, "model_index.json"), required: false) ?? new JsonObject();
        SchedulerConfig = File.Exists(SchedulerConfigPath) ? Schedulers.SchedulerConfig.Load(SchedulerConfigPath) : new SchedulerConfig();
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
        _capabilities = new Lazy<ModelCapabilities>(() => ModelCapabilityDetector.Detect(this));
    }

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

    private OnnxModel? Session(string component) => _sessions.TryGetValue(component, out var lazy) ? lazy.Value : null;

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
