using Easel.Engine.Pipelines;
using Easel.Engine.Vocabulary;

namespace Easel.Engine.Jobs;

/// <summary>
/// A generation as it travels to a worker: the model it needs (the routing key), and either a text-to-image request
/// or an edit whose images are already bytes (the caller's paths and image ids mean nothing on a worker).
/// </summary>
public sealed record QueuedJob(string Model, GenerateRequest? Generate, EditOperation? Operation = null, EditRequest? Edit = null)
{
    /// <summary>The reported operation name (txt2img, img2img, ...), for logs and metrics.</summary>
    public string OperationName => Operation is { } op ? ImageOperations.Name(op) : ImageOperations.Txt2Img;
}
