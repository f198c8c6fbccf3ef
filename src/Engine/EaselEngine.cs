using System.Diagnostics;
using Easel.Engine.Datasets;
using Easel.Engine.Grids;
using Easel.Engine.Imaging;
using Easel.Engine.Jobs;
using Easel.Engine.Models;
using Easel.Engine.Onnx;
using Easel.Engine.Pipelines;
using Easel.Engine.Provenance;
using Easel.Engine.Safety;
using Easel.Engine.Text;
using Easel.Engine.Vocabulary;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Easel.Engine;

/// <summary>A discovered model and what it can do.</summary>
public sealed record ModelInfo(string Name, string Path, bool IsDefault, ModelCapabilities? Capabilities, string? Error);

/// <summary>Token ids for a text (BOS and EOS included) and whether one 77-token window would truncate them.</summary>
public sealed record TokenizeResult(IReadOnlyList<int> Ids, int Count, bool Truncated);

/// <summary>
/// The one API both surfaces (Semantic Kernel plugin, MCP server/CLI) call. Thread-safe; sessions are created once
/// per model and reused; at most <see cref="EaselOptions.MaxConcurrentGenerations"/> requests run at once.
/// </summary>
public sealed class EaselEngine : IDisposable
{
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _workers;
    private int _waiting;

    // Tokenizers read once per folder (PublicationOnly: a failed read is not cached, the next call reads again).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<ClipTokenizer>> _tokenizers = new(StringComparer.Ordinal);

    // Runs in flight: Dispose cancels them and waits for them to leave ONNX Runtime before freeing its sessions
    // (freeing a session mid-run is a native use-after-free that kills the whole process).
    private readonly CancellationTokenSource _disposal = new();
    private readonly object _runGate = new();
    private int _running;
    private bool _disposed;

    public EaselEngine(EaselOptions options, ILoggerFactory? loggerFactory = null)
    {
        Options = options;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Easel");
        var sessionOptions = new SessionOptionsFactory(ExecutionProviders.Parse(options.ExecutionProvider), _logger, runtime: options.Onnx);
        Models = new ModelRegistry(ModelRegistry.DefaultSearchRoots(options.ModelsPath), sessionOptions, options.DefaultModel)
        {
            NamesOnly = options.ModelsByNameOnly,
        };
        Store = new ImageStore(options.OutputDirectory);
        if (options.UnetBatch < 0 || options.UnetBatch > 64)
            throw new EaselException($"UnetBatch: {options.UnetBatch} is outside the allowed range 0–64 (0: Easel chooses).");
        _workers = new SemaphoreSlim(Math.Max(1, options.MaxConcurrentGenerations));
        PromptPolicy = PromptPolicy.Load(options, _logger);
        _safeguards = new OutputSafeguards(options, sessionOptions, _logger);
    }

    private readonly OutputSafeguards _safeguards;

    /// <summary>Checked on every prompt before any work (every surface comes through here).</summary>
    public PromptPolicy PromptPolicy { get; }

    public EaselOptions Options { get; }
    public ModelRegistry Models { get; }

    /// <summary>Test seam: sees each UNet call's inputs on the worker thread just before it runs (it may block).</summary>
    internal Action<IReadOnlyDictionary<string, InputValue>, CancellationToken>? BeforeUnetCall { get; set; }
    public ImageStore Store { get; }

    /// <summary>
    /// Where generations run when not here (Easel:Queue:Redis): requests are still checked and resolved by this
    /// engine, then handed to the queue's workers; results come back saved in <see cref="Store"/>.
    /// </summary>
    public IJobDispatcher? Dispatcher { get; set; }

    public IReadOnlyList<ModelInfo> ListModels()
    {
        return Models.List().Select(entry =>
        {
            try
            {
                return new ModelInfo(entry.Name, entry.Path, entry.IsDefault, Models.Get(entry.Path).Capabilities, null);
            }
            catch (EaselException ex)
            {
                return new ModelInfo(entry.Name, entry.Path, entry.IsDefault, null, ex.Message);
            }
        }).ToList();
    }

    /// <summary>Tokenizes with a model's tokenizer; works on any folder that has tokenizer/, even without ONNX files.</summary>
    public TokenizeResult Tokenize(string text, string? model = null)
    {
        string root = !string.IsNullOrWhiteSpace(model) && !Models.NamesOnly && Directory.Exists(model)
            ? model
            : Models.List().FirstOrDefault(e => model is null ? e.IsDefault : string.Equals(e.Name, model, StringComparison.OrdinalIgnoreCase))?.Path
              ?? Models.Get(model).Root;
        var dir = Path.Combine(root, "tokenizer");
        if (!Directory.Exists(dir) && Directory.Exists(Path.Combine(root, "tokenizer_2"))) dir = Path.Combine(root, "tokenizer_2");
        if (!File.Exists(Path.Combine(dir, "vocab.json")) && File.Exists(Path.Combine(root, "vocab.json"))) dir = root;
        var tokenizer = _tokenizers.GetOrAdd(Path.GetFullPath(dir), static d => new Lazy<ClipTokenizer>(() =>
        {
            try
            {
                return ClipTokenizer.FromFolder(d);
            }
            catch (Exception ex) when (ModelFolder.IsFolderFault(ex))
            {
                throw new EaselException($"tokenizer {d} is broken: {ex.Message}", ex);
            }
        }, LazyThreadSafetyMode.PublicationOnly)).Value;
        var ids = tokenizer.Encode(text);
        return new TokenizeResult(ids, ids.Length, ids.Length > tokenizer.MaxLength);
    }

    /// <summary>Composes a prompt for a model from structured fields and an optional style preset.</summary>
    public ComposedPrompt ComposePrompt(PromptParts parts, string? model = null)
    {
        var folder = Models.Get(model);
        var tokenizer = folder.PromptEncoder.Tokenizer;
        return PromptComposer.Compose(parts, folder.Name, folder.Capabilities.UsesNegativePrompt, text => tokenizer.EncodeWithoutSpecial(text).Count);
    }

    /// <summary>Reads Easel's invisible watermark from an encoded image (any format the loader takes; untrusted input is capped).</summary>
    public WatermarkDetection DetectWatermark(byte[] image, string field = "image")
    {
        using var loaded = ImageLoader.Decode(image, Options.MaxImagePixels, field);
        return InvisibleWatermark.Detect(loaded.Rgb);
    }

    public Task<GenerationResult> GenerateAsync(GenerateRequest request, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        PromptPolicy.Check(request.Prompt, request.NegativePrompt);
        var resolved = RequestResolver.Resolve(request, Models);
        CheckMemory(resolved);
        if (Dispatcher is { } queue)
        {
            // The seed is fixed here, so a retried job repeats the same images.
            var job = new QueuedJob(resolved.Model.Name, request with { Model = resolved.Model.Name, Seed = resolved.Seed });
            return queue.RunAsync(job, progress, cancellationToken);
        }
        return RunAsync(resolved, null, progress, cancellationToken);
    }

    /// <summary>img2img / style transfer: the image noised to <c>strength</c>, then denoised toward the prompt.</summary>
    public Task<GenerationResult> RestyleAsync(EditRequest request, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
        => EditAsync(EditOperation.Restyle, request, progress, cancellationToken);

    /// <summary>Repaints the masked area (9-channel inpaint UNets natively, any other model by latent blending).</summary>
    public Task<GenerationResult> InpaintAsync(EditRequest request, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
        => EditAsync(EditOperation.Inpaint, request, progress, cancellationToken);

    /// <summary>Extends the canvas by left/right/top/bottom pixels and paints the new area.</summary>
    public Task<GenerationResult> OutpaintAsync(EditRequest request, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
        => EditAsync(EditOperation.Outpaint, request, progress, cancellationToken);

    /// <summary>N variations of an image (seeds seed..seed+N−1); the prompt defaults to the one embedded in an Easel PNG.</summary>
    public Task<GenerationResult> VaryAsync(EditRequest request, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
        => EditAsync(EditOperation.Variations, request, progress, cancellationToken);

    /// <summary>An X/Y grid over a base request: one image per cell and a labelled contact sheet, all saved.</summary>
    public Task<GridResult> GridAsync(GridRequest request, IProgress<GridProgress>? progress = null, CancellationToken cancellationToken = default)
        => GridRunner.RunAsync(this, request, progress, cancellationToken);

    /// <summary>Makes (or resumes) a synthetic data set in the Hugging Face imagefolder layout.</summary>
    public Task<DatasetResult> DatasetAsync(DatasetRequest request, IProgress<DatasetProgress>? progress = null, CancellationToken cancellationToken = default)
        => DatasetRunner.RunAsync(this, request, progress, cancellationToken);

    /// <summary>
    /// Generations of <paramref name="model"/> that can run at once: the live queue workers when scale-out is
    /// configured (each takes one job at a time, up to the stream's limit), else this engine's own workers.
    /// </summary>
    internal async Task<int> ParallelismAsync(string model, CancellationToken cancellationToken)
    {
        if (Dispatcher is not { } queue) return Math.Max(1, Options.MaxConcurrentGenerations);
        int workers = await queue.LiveWorkersAsync(model, cancellationToken).ConfigureAwait(false);
        return Math.Clamp(workers, 1, Math.Max(1, Options.Queue.Limit));
    }

    public async Task<GenerationResult> EditAsync(EditOperation operation, EditRequest request, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        PromptPolicy.Check(request.Generation.Prompt, request.Generation.NegativePrompt);
        var model = Models.Get(request.Generation.Model);
        if (Dispatcher is { } queue)
            return await queue.RunAsync(QueuedEdit(operation, request, model.Name), progress, cancellationToken).ConfigureAwait(false);
        var setup = EditSetup.Create(operation, request, Store, Options, model.Capabilities);
        try
        {
            var generation = request.Generation with
            {
                Model = model.Root,
                Width = setup.Width,
                Height = setup.Height,
                Prompt = string.IsNullOrEmpty(request.Generation.Prompt) && setup.EmbeddedPrompt is { } embedded ? embedded : request.Generation.Prompt ?? "",
                Seed = request.Generation.Seed ?? Random.Shared.NextInt64(0, 1L << 32),
            };
            PromptPolicy.Check(generation.Prompt, null); // a prompt embedded in a variation's source PNG too
            var resolved = RequestResolver.Resolve(generation, Models);
            CheckMemory(resolved);
            return await RunAsync(resolved, setup, progress, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            setup.Dispose();
        }
    }

    private void CheckMemory(ResolvedRequest resolved) =>
        MemoryEstimate.Check(resolved.Width, resolved.Height, resolved.Count, resolved.UsesClassifierFreeGuidance, resolved.Capabilities.VaeScaleFactor, Options);

    /// <summary>An edit for a worker: its images read here (paths and ids are this machine's), under this server's read policy.</summary>
    private QueuedJob QueuedEdit(EditOperation operation, EditRequest request, string model)
    {
        byte[] Read(ImageInput input, string field) => input.Bytes ?? ImageReference.Resolve(input.Reference ?? "", Store, field, Options.InputFolders);
        var edit = request with
        {
            Generation = request.Generation with { Model = model, Seed = request.Generation.Seed ?? Random.Shared.NextInt64(0, 1L << 32) },
            Image = ImageInput.FromBytes(Read(request.Image, "image")),
            Mask = request.Mask is { } mask ? ImageInput.FromBytes(Read(mask, "mask")) : null,
        };
        return new QueuedJob(model, null, operation, edit);
    }

    /// <summary>
    /// Creates <paramref name="model"/>'s sessions (null: the default model) and runs one one-step generation at its
    /// native size through the worker queue, saving nothing, so the first request finds sessions, kernels and memory
    /// plans ready (<see cref="EaselOptions.WarmUp"/>; <c>easel serve</c> calls it at start). Returns how long it took.
    /// </summary>
    public async Task<TimeSpan> WarmUpAsync(string? model = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var folder = Models.Get(model);
        folder.LoadSessions();
        var caps = folder.Capabilities;
        var resolved = RequestResolver.Resolve(new GenerateRequest
        {
            Prompt = "warm-up",
            Model = folder.Root,
            Width = caps.NativeWidth,
            Height = caps.NativeHeight,
            Steps = 1,
            Seed = 0,
        }, Models);
        await OnWorkerAsync(resolved, null, ct =>
        {
            var output = DiffusionPipeline.Run(resolved, null, null, new RunTimings(), [], ct, null, UnetBatch(resolved));
            foreach (var image in output.Images) image.Image.Dispose();
            return output;
        }, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Warm-up of {Model} took {Seconds:F2}s", folder.Name, clock.Elapsed.TotalSeconds);
        return clock.Elapsed;
    }

    /// <summary>Waits for a worker (bounded queue), runs the pipeline and saves every image.</summary>
    private Task<GenerationResult> RunAsync(ResolvedRequest resolved, EditSetup? edit, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        Store.EnsureWritable(); // a bad output folder fails before any work
        return OnWorkerAsync(resolved, progress, ct => Execute(resolved, edit, progress, ct), cancellationToken);
    }

    /// <summary>Runs <paramref name="work"/> on a worker once one is free, counted as a run in flight for Dispose.</summary>
    private Task<T> OnWorkerAsync<T>(ResolvedRequest resolved, IProgress<GenerationProgress>? progress, Func<CancellationToken, T> work, CancellationToken cancellationToken)
    {
        lock (_runGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _running++;
        }
        Task<T> run;
        try
        {
            run = WorkOnWorkerAsync(progress, work, resolved, cancellationToken);
        }
        catch
        {
            RunEnded();
            throw;
        }
        // Counted out by a continuation, which runs once the task has completed: Dispose then returns only after the
        // caller's task is done, not in the instant between the run's last line and its task's completion.
        _ = run.ContinueWith(static (_, engine) => ((EaselEngine)engine!).RunEnded(), this, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return run;
    }

    private async Task<T> WorkOnWorkerAsync<T>(IProgress<GenerationProgress>? progress, Func<CancellationToken, T> work, ResolvedRequest resolved, CancellationToken cancellationToken)
    {
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposal.Token);
        await AcquireWorkerAsync(resolved, progress, run.Token).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => work(run.Token), run.Token).ConfigureAwait(false);
        }
        finally
        {
            _workers.Release();
        }
    }

    private void RunEnded()
    {
        lock (_runGate)
        {
            if (--_running == 0) Monitor.PulseAll(_runGate);
        }
    }

    private async Task AcquireWorkerAsync(ResolvedRequest request, IProgress<GenerationProgress>? progress, CancellationToken ct)
    {
        if (_workers.Wait(0, CancellationToken.None)) return; // a free worker right now; else wait with ct below
        int position = Interlocked.Increment(ref _waiting);
        try
        {
            if (position > Options.QueueLength)
                throw new EaselBusyException($"Easel is busy: {Options.MaxConcurrentGenerations} generation(s) running and {Options.QueueLength} waiting (the queue limit). Try again shortly.");
            progress?.Report(new GenerationProgress("queued", 0, request.Count, 0, request.Steps, position));
            await _workers.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    private GenerationResult Execute(ResolvedRequest request, EditSetup? edit, IProgress<GenerationProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var timings = new RunTimings();
        var stepTimes = new List<TimeSpan>();
        var safeguards = _safeguards.Begin(request.Model); // loads the safety checker before any work
        var plan = edit?.Plan(request, timings, ct);
        var output = DiffusionPipeline.Run(request, plan?.Start, p =>
        {
            if (safeguards.FilterPreview(p) is { } shown) progress?.Report(shown);
        }, timings, stepTimes, ct, BeforeUnetCall, UnetBatch(request));

        // Encode every image before saving any, so a failure leaves no partial set behind.
        var encoded = new List<(byte[] Png, ImageMetadata Metadata)>();
        foreach (var raw in output.Images)
        {
            var finished = plan?.Finish?.Invoke(raw) ?? raw;
            var metadata = new ImageMetadata
            {
                Prompt = request.Prompt,
                NegativePrompt = request.NegativePrompt,
                Model = request.Model.Name,
                Width = finished.Image.Width,
                Height = finished.Image.Height,
                Steps = request.Steps,
                Guidance = request.Guidance,
                GuidanceRescale = request.GuidanceRescale,
                Scheduler = request.SchedulerName,
                Eta = request.Eta,
                Seed = finished.Seed,
            };
            if (edit is not null) metadata = edit.Describe(metadata);
            // Safety checker and watermark; null: withheld by the checker.
            if (safeguards.Process(finished.Image, metadata, timings, ct, edit?.CompositeMask) is { } kept)
                encoded.Add((PngCodec.Encode(finished.Image, kept), kept));
            finished.Image.Dispose();
        }
        safeguards.ThrowIfNothingKept();
        var stored = Store.SaveAll(encoded.Select(e => (e.Png, e.Metadata.Seed)).ToList());
        var images = encoded.Select((e, i) => new GeneratedImage(stored[i], e.Metadata)).ToList();
        var warnings = (edit?.Warnings ?? []).Concat(output.Warnings).Concat(safeguards.Warnings).ToList();
        var result = new GenerationResult(request.Model.Name, images, warnings,
            new GenerationTimings(clock.Elapsed, timings.Total, timings.Runs, stepTimes));
        _logger.LogInformation("{Operation} {Count} image(s) on {Model} in {Seconds:F2}s (ONNX Runtime {Ort:F2}s)",
            images.FirstOrDefault()?.Metadata.Operation, images.Count, request.Model.Name, result.Timings.Total.TotalSeconds, result.Timings.OnnxRuntime.TotalSeconds);
        return result;
    }

    /// <summary>Images per UNet call: <see cref="EaselOptions.UnetBatch"/>, or when 0 every image on a GPU provider and one
    /// at a time on CPU (where one batch measured no faster; README, Performance).</summary>
    private int UnetBatch(ResolvedRequest request)
    {
        if (Options.UnetBatch > 0) return Options.UnetBatch;
        _ = request.Model.Unet; // the provider is resolved once the first session exists
        return Models.SessionOptions.Resolved == ExecutionProviderKind.Cpu ? 1 : request.Count;
    }

    /// <summary>Cancels the runs in flight, waits (up to a minute) for them to stop, then frees the sessions.</summary>
    public void Dispose()
    {
        lock (_runGate)
        {
            if (_disposed) return;
            _disposed = true;
        }
        _disposal.Cancel();
        (Dispatcher as IDisposable)?.Dispose(); // its connection; callers waiting on it fail
        bool stopped;
        lock (_runGate)
        {
            var deadline = Stopwatch.StartNew();
            while (_running > 0 && deadline.Elapsed < DisposeWait)
                Monitor.Wait(_runGate, DisposeWait - deadline.Elapsed);
            stopped = _running == 0;
        }
        if (!stopped)
        {
            // Leaking the sessions beats freeing memory a native run still uses.
            _logger.LogWarning("Easel engine disposed with {Count} run(s) still inside ONNX Runtime; their sessions are left loaded.", _running);
            return;
        }
        Models.Dispose();
        _safeguards.Dispose();
        _workers.Dispose();
        _disposal.Dispose();
    }

    private static readonly TimeSpan DisposeWait = TimeSpan.FromMinutes(1);
}

/// <summary>The queue is full; the caller should retry later.</summary>
public sealed class EaselBusyException(string message) : EaselException(message);
