using Microsoft.ML.OnnxRuntime.Tensors;

namespace Easel.Engine.Onnx;

/// <summary>A model's declared graph inputs and outputs.</summary>
public sealed record OnnxSignature(IReadOnlyDictionary<string, TensorSpec> Inputs, IReadOnlyDictionary<string, TensorSpec> Outputs)
{
    public bool HasInput(string name) => Inputs.ContainsKey(name);
}

/// <summary>
/// Reads an .onnx file's graph inputs and outputs straight from its protobuf encoding, seeking past weights, so
/// listing a folder of multi-gigabyte models takes milliseconds and no memory (creating sessions takes seconds and
/// gigabytes). Only the few ModelProto/GraphProto/ValueInfoProto fields needed are decoded.
/// </summary>
public static class OnnxSignatureReader
{
    // Field numbers from onnx.proto.
    private const int ModelGraph = 7;
    private const int GraphInitializer = 5, GraphInput = 11, GraphOutput = 12;
    private const int ValueInfoName = 1, ValueInfoType = 2;
    private const int TypeTensor = 1, TensorElemType = 1, TensorShape = 2;
    private const int ShapeDim = 1, DimValue = 1, DimParam = 2;
    private const int TensorProtoName = 8;

    public static OnnxSignature Read(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            var reader = new ProtoReader(stream);
            while (reader.Position < stream.Length)
            {
                var (field, wire) = reader.ReadTag();
                if (field == ModelGraph && wire == 2)
                    return ReadGraph(reader, reader.ReadLength());
                reader.Skip(wire);
            }
            throw new InvalidDataException("no graph");
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or OverflowException)
        {
            throw new EaselException($"Cannot read ONNX model '{path}': not a valid ONNX file ({ex.Message}).", ex);
        }
    }

    private static OnnxSignature ReadGraph(ProtoReader reader, long length)
    {
        long end = reader.Position + length;
        var inputs = new List<TensorSpec>();
        var outputs = new List<TensorSpec>();
        var initializers = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Position < end)
        {
            var (field, wire) = reader.ReadTag();
            if (wire == 2 && field is GraphInput or GraphOutput)
            {
                var spec = ReadValueInfo(reader, reader.ReadLength());
                (field == GraphInput ? inputs : outputs).Add(spec);
            }
            else if (wire == 2 && field == GraphInitializer)
            {
                long tensorEnd = reader.Position + reader.ReadLength();
                while (reader.Position < tensorEnd)
                {
                    var (f, w) = reader.ReadTag();
                    if (f == TensorProtoName && w == 2) initializers.Add(reader.ReadString());
                    else reader.Skip(w);
                }
            }
            else reader.Skip(wire);
        }
        // Models from before IR version 4 also list their weights as graph inputs.
        return new OnnxSignature(
            inputs.Where(i => !initializers.Contains(i.Name)).ToDictionary(i => i.Name),
            outputs.ToDictionary(o => o.Name));
    }

    private static TensorSpec ReadValueInfo(ProtoReader reader, long length)
    {
        long end = reader.Position + length;
        string name = "";
        var elementType = TensorElementType.DataTypeMax;
        var dims = new List<int>();
        var symbols = new List<string>();
        while (reader.Position < end)
        {
            var (field, wire) = reader.ReadTag();
            if (field == ValueInfoName && wire == 2) name = reader.ReadString();
            else if (field == ValueInfoType && wire == 2)
            {
                long typeEnd = reader.Position + reader.ReadLength();
                while (reader.Position < typeEnd)
                {
                    var (tf, tw) = reader.ReadTag();
                    if (tf != TypeTensor || tw != 2) { reader.Skip(tw); continue; }
                    long tensorEnd = reader.Position + reader.ReadLength();
                    while (reader.Position < tensorEnd)
                    {
                        var (f, w) = reader.ReadTag();
                        if (f == TensorElemType && w == 0) elementType = (TensorElementType)reader.ReadVarint();
                        else if (f == TensorShape && w == 2) ReadShape(reader, reader.ReadLength(), dims, symbols);
                        else reader.Skip(w);
                    }
                }
            }
            else reader.Skip(wire);
        }
        return new TensorSpec(name, elementType, dims.ToArray(), symbols.ToArray());
    }

    private static void ReadShape(ProtoReader reader, long length, List<int> dims, List<string> symbols)
    {
        long end = reader.Position + length;
        while (reader.Position < end)
        {
            var (field, wire) = reader.ReadTag();
            if (field != ShapeDim || wire != 2) { reader.Skip(wire); continue; }
            long dimEnd = reader.Position + reader.ReadLength();
            int value = -1;
            string symbol = "";
            while (reader.Position < dimEnd)
            {
                var (f, w) = reader.ReadTag();
                if (f == DimValue && w == 0) value = (int)reader.ReadVarint();
                else if (f == DimParam && w == 2) symbol = reader.ReadString();
                else reader.Skip(w);
            }
            dims.Add(value);
            symbols.Add(symbol);
        }
    }

    /// <summary>Protobuf wire format: varints, length-delimited fields skipped by seeking.</summary>
    private sealed class ProtoReader(Stream stream)
    {
        public long Position => stream.Position;

        public (int Field, int Wire) ReadTag()
        {
            ulong tag = ReadVarint();
            return ((int)(tag >> 3), (int)(tag & 7));
        }

        public ulong ReadVarint()
        {
            ulong result = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                int b = stream.ReadByte();
                if (b < 0) throw new EndOfStreamException();
                result |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0) return result;
            }
            throw new InvalidDataException("bad varint");
        }

        public long ReadLength()
        {
            ulong length = ReadVarint();
            if (length > (ulong)(stream.Length - stream.Position)) throw new InvalidDataException("field runs past the end of the file");
            return (long)length;
        }

        public string ReadString()
        {
            var bytes = new byte[ReadLength()];
            stream.ReadExactly(bytes);
            return System.Text.Encoding.UTF8.GetString(bytes);
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: ReadVarint(); break;
                case 1: stream.Seek(8, SeekOrigin.Current); break;
                case 2: stream.Seek(ReadLength(), SeekOrigin.Current); break;
                case 5: stream.Seek(4, SeekOrigin.Current); break;
                default: throw new InvalidDataException($"unsupported wire type {wire}");
            }
        }
    }
}
