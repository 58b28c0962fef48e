using System.Buffers;
using MessagePack;
using Mrq.Infrastructure;

namespace Mrq.Tests.Generated;

/// <summary>The wire format generated code writes, and how invokers report params they cannot read.</summary>
public sealed class GeneratedParamsTests
{
    [Fact]
    public void Params_are_a_json_like_map_keyed_by_param_name()
    {
        var guid = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        var dto = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(2));
        var dt = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var job = Tasks.WireTask.Job(42, 1.10m, 'é', guid, dto, TimeSpan.FromMinutes(90), Priority.High, dt, null, 0.5f);

        var reader = new MessagePackReader(job.Params);
        Assert.Equal(10, reader.ReadMapHeader());
        Assert.Equal("n", reader.ReadString());
        Assert.Equal(MessagePackCode.MinFixInt + 42, reader.NextCode); // compact integers
        Assert.Equal(42, reader.ReadInt32());
        Assert.Equal(("m", "1.10"), (reader.ReadString(), reader.ReadString()));
        Assert.Equal(("c", "é"), (reader.ReadString(), reader.ReadString()));
        Assert.Equal(("g", "0f8fad5b-d9cb-469f-a165-70867728950e"), (reader.ReadString(), reader.ReadString()));
        Assert.Equal(("dto", "2024-01-02T03:04:05.0000000+02:00"), (reader.ReadString(), reader.ReadString()));
        Assert.Equal(("ts", "01:30:00"), (reader.ReadString(), reader.ReadString()));
        Assert.Equal("p", reader.ReadString());
        Assert.Equal(MessagePackType.Integer, reader.NextMessagePackType);
        Assert.Equal(200, reader.ReadInt32());
        Assert.Equal("dt", reader.ReadString());
        Assert.Equal(MessagePackType.Extension, reader.NextMessagePackType); // the timestamp extension
        Assert.Equal(dt, reader.ReadDateTime());
        Assert.Equal("s", reader.ReadString());
        Assert.True(reader.TryReadNil());
        Assert.Equal("f", reader.ReadString());
        Assert.Equal(MessagePackCode.Float32, reader.NextCode);
        Assert.Equal(0.5f, reader.ReadSingle());
        Assert.True(reader.End);
    }

    [Fact]
    public void Readers_accept_numbers_for_decimals_and_floats()
    {
        var bytes = Write((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(10);
            w.Write("n");
            w.Write(7);
            w.Write("m");
            w.Write(12);
            w.Write("c");
            w.Write("x");
            w.Write("g");
            w.Write("0f8fad5bd9cb469fa16570867728950e");
            w.Write("dto");
            w.Write("2024-01-02T03:04:05Z");
            w.Write("ts");
            w.Write("1.02:03:04");
            w.Write("p");
            w.Write(1);
            w.Write("dt");
            w.Write(new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            w.Write("s");
            w.Write("text");
            w.Write("f");
            w.Write(3);
        });

        Assert.True(TaskCatalog.TryFind(Tasks.WireTask.Path, out var task));
        var result = new ArrayBufferWriter<byte>();
        Assert.True(task.Invoke(new TestJobContext(task.Path), bytes, result).IsCompletedSuccessfully);
        Assert.Equal(7, new MessagePackReader(result.WrittenMemory).ReadInt32());
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_names_the_task_the_param_and_the_expected_type()
    {
        var bytes = GeneratedTaskTests.Map((ref MessagePackWriter w) => w.Write("not a number"), "required");

        var error = await InvokeExpectingErrorAsync(Tasks.DefaultsTask.Path, bytes);

        Assert.Equal("tests.generated.Defaults", error.TaskPath);
        Assert.Equal("required", error.ParamName);
        Assert.Equal("int", error.ExpectedType);
        Assert.Contains("'required'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'tests.generated.Defaults'", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected a JSON integer (Int32), got the JSON string \"not a number\"", error.Message, StringComparison.Ordinal);
        Assert.IsType<ParamValueException>(error.InnerException);
    }

    [Fact]
    public async Task A_nested_value_of_the_wrong_type_names_the_param()
    {
        var bytes = GeneratedTaskTests.Map(
            (ref MessagePackWriter w) =>
            {
                w.WriteMapHeader(1);
                w.Write("Value");
                w.Write("oops");
            },
            "tree");

        var error = await InvokeExpectingErrorAsync(Tasks.ObjectsTask.Path, bytes);

        Assert.Equal("tree", error.ParamName);
        Assert.Equal("Mrq.Tests.Generated.Node", error.ExpectedType);
    }

    [Fact]
    public async Task A_missing_required_param_is_reported()
    {
        var error = await InvokeExpectingErrorAsync(Tasks.DefaultsTask.Path, Tasks.NothingTask.Job().Params);

        Assert.Equal(("tests.generated.Defaults", "required", "int"), (error.TaskPath, error.ParamName, error.ExpectedType));
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
        Assert.Null(error.InnerException);
    }

    [Fact]
    public async Task Truncated_params_are_reported_with_the_param_being_read()
    {
        var job = Tasks.DefaultsTask.Job(1, 2, "a long enough name");
        var truncated = job.Params[..35]; // map header, required, factor (18 bytes), then 16 of name's 24 bytes

        var error = await InvokeExpectingErrorAsync(job.Path, truncated);

        Assert.Equal("tests.generated.Defaults", error.TaskPath);
        Assert.Equal("name", error.ParamName);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Params_that_are_not_a_map_are_reported()
    {
        var error = await InvokeExpectingErrorAsync(Tasks.DefaultsTask.Path, Write((ref MessagePackWriter w) => w.WriteArrayHeader(0)));

        Assert.Equal("tests.generated.Defaults", error.TaskPath);
        Assert.Null(error.ParamName);
        Assert.Contains("expected a JSON object of params, got a JSON array []", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Job_allocates_only_the_params_array_after_warm_up()
    {
        _ = Tasks.DisposableTask.Job(1);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var job = Tasks.DisposableTask.Job(2);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(4, job.Params.Length); // 81 A1 6E 02
        Assert.True(allocated <= 32, $"Job(...) allocated {allocated} bytes.");
    }

    private static async Task<MrqParamsException> InvokeExpectingErrorAsync(string path, ReadOnlyMemory<byte> parameters)
    {
        Assert.True(TaskCatalog.TryFind(path, out var task));
        return await Assert.ThrowsAsync<MrqParamsException>(async () =>
            await task.Invoke(new TestJobContext(path), parameters, new ArrayBufferWriter<byte>()));
    }

    private delegate void WriteAction(ref MessagePackWriter writer);

    private static byte[] Write(WriteAction write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
