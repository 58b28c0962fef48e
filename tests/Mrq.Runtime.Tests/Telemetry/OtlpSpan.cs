namespace Mrq.Tests.Telemetry;

/// <summary>One span of an OTLP/HTTP protobuf trace export, with what the tests check.</summary>
internal sealed record OtlpSpan(
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    int Kind,
    string Scope,
    IReadOnlyDictionary<string, object> Attributes,
    IReadOnlyList<(string TraceId, string SpanId)> Links,
    IReadOnlyList<string> Events,
    int StatusCode,
    ulong StartNanos,
    ulong EndNanos)
{
    public const int KindProducer = 4;
    public const int KindConsumer = 5;
    public const int StatusError = 2;

    /// <summary>The spans as an indented tree (children under their parent, by start time), for failure messages and docs.</summary>
    public static string Render(IReadOnlyList<OtlpSpan> spans)
    {
        var text = new System.Text.StringBuilder();
        var ids = spans.Select(s => s.SpanId).ToHashSet();
        foreach (var root in spans.Where(s => !ids.Contains(s.ParentSpanId)).OrderBy(s => s.StartNanos))
        {
            Write(root, 0);
        }

        return text.ToString();

        void Write(OtlpSpan span, int depth)
        {
            var kind = span.Kind switch { KindProducer => "producer", KindConsumer => "consumer", _ => "internal" };
            var linked = span.Links.Count > 0 ? ", link→" + string.Join(",", span.Links.Select(l => l.SpanId[..8])) : "";
            text.Append(' ', depth * 3).Append($"{span.Name} ({kind}{linked}) span {span.SpanId[..8]} {(span.EndNanos - span.StartNanos) / 1e6:0.0} ms");
            foreach (var key in new[] { "messaging.message.id", "mrq.task.path", "mrq.job.status", "error.type" })
            {
                if (span.Attributes.TryGetValue(key, out var value))
                {
                    text.Append($" {key}={value}");
                }
            }

            if (span.StatusCode == StatusError)
            {
                text.Append(" status=Error");
            }

            text.Append(span.Events.Count > 0 ? " events=" + string.Join(",", span.Events) : "").Append('\n');
            foreach (var child in spans.Where(s => s.ParentSpanId == span.SpanId).OrderBy(s => s.StartNanos))
            {
                Write(child, depth + 1);
            }
        }
    }

    /// <summary>Every span of an <c>ExportTraceServiceRequest</c>.</summary>
    public static List<OtlpSpan> Parse(ReadOnlySpan<byte> request)
    {
        var spans = new List<OtlpSpan>();
        var reader = new ProtobufReader(request);
        while (reader.Next())
        {
            if (reader.Field == 1)
            {
                // ResourceSpans: scope_spans = 2.
                var resource = new ProtobufReader(reader.Bytes);
                while (resource.Next())
                {
                    if (resource.Field == 2)
                    {
                        ParseScopeSpans(resource.Bytes, spans);
                    }
                }
            }
        }

        return spans;
    }

    private static void ParseScopeSpans(ReadOnlySpan<byte> message, List<OtlpSpan> into)
    {
        var scope = "";
        var reader = new ProtobufReader(message);
        var spans = new List<byte[]>();
        while (reader.Next())
        {
            if (reader.Field == 1)
            {
                var scopeReader = new ProtobufReader(reader.Bytes);
                while (scopeReader.Next())
                {
                    if (scopeReader.Field == 1)
                    {
                        scope = scopeReader.String;
                    }
                }
            }
            else if (reader.Field == 2)
            {
                spans.Add(reader.Bytes.ToArray());
            }
        }

        foreach (var span in spans)
        {
            into.Add(ParseSpan(span, scope));
        }
    }

    private static OtlpSpan ParseSpan(ReadOnlySpan<byte> message, string scope)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var kind = 0;
        var status = 0;
        ulong start = 0, end = 0;
        var attributes = new Dictionary<string, object>(StringComparer.Ordinal);
        var links = new List<(string, string)>();
        var events = new List<string>();
        var reader = new ProtobufReader(message);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1: traceId = Convert.ToHexStringLower(reader.Bytes); break;
                case 2: spanId = Convert.ToHexStringLower(reader.Bytes); break;
                case 4: parent = Convert.ToHexStringLower(reader.Bytes); break;
                case 5: name = reader.String; break;
                case 6: kind = (int)reader.Varint; break;
                case 7: start = reader.Varint; break;
                case 8: end = reader.Varint; break;
                case 9:
                    var (key, value) = ParseKeyValue(reader.Bytes);
                    attributes[key] = value;
                    break;
                case 11:
                    var eventReader = new ProtobufReader(reader.Bytes);
                    while (eventReader.Next())
                    {
                        if (eventReader.Field == 2)
                        {
                            events.Add(eventReader.String);
                        }
                    }

                    break;
                case 13:
                    string linkTrace = "", linkSpan = "";
                    var linkReader = new ProtobufReader(reader.Bytes);
                    while (linkReader.Next())
                    {
                        if (linkReader.Field == 1)
                        {
                            linkTrace = Convert.ToHexStringLower(linkReader.Bytes);
                        }
                        else if (linkReader.Field == 2)
                        {
                            linkSpan = Convert.ToHexStringLower(linkReader.Bytes);
                        }
                    }

                    links.Add((linkTrace, linkSpan));
                    break;
                case 15:
                    var statusReader = new ProtobufReader(reader.Bytes);
                    while (statusReader.Next())
                    {
                        if (statusReader.Field == 3)
                        {
                            status = (int)statusReader.Varint;
                        }
                    }

                    break;
            }
        }

        return new OtlpSpan(traceId, spanId, parent, name, kind, scope, attributes, links, events, status, start, end);
    }

    /// <summary>A <c>KeyValue</c> whose value is a string, bool, int64 or double (what Mrq's spans carry).</summary>
    private static (string Key, object Value) ParseKeyValue(ReadOnlySpan<byte> message)
    {
        var key = "";
        object value = "";
        var reader = new ProtobufReader(message);
        while (reader.Next())
        {
            if (reader.Field == 1)
            {
                key = reader.String;
            }
            else if (reader.Field == 2)
            {
                var any = new ProtobufReader(reader.Bytes);
                while (any.Next())
                {
                    value = any.Field switch
                    {
                        1 => any.String,
                        2 => any.Varint != 0,
                        3 => (long)any.Varint,
                        4 => BitConverter.UInt64BitsToDouble(any.Varint),
                        _ => value,
                    };
                }
            }
        }

        return (key, value);
    }
}
