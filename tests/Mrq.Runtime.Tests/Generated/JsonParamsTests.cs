using System.Buffers;
using Mrq.Infrastructure;
using Mrq.Serialization;

namespace Mrq.Tests.Generated;

/// <summary>Params converted from JSON, read by the generated invoker of a task with one param of every scalar type.</summary>
public sealed class JsonParamsTests
{
    private const string Valid = """
        {"b": true, "sb": -1, "by": 255, "s": -300, "us": 65535, "i": 7, "ui": 4000000000, "l": -5, "ul": 18446744073709551615,
         "f": 1.5, "d": 2, "m": "12.50", "str": "x", "nullStr": null, "c": "é", "g": "0f8fad5bd9cb469fa16570867728950e",
         "dt": "2026-12-04T21:30:00.25+01:00", "dto": "2026-12-04T21:30:00+01:00", "ts": "1.02:03:04", "p": "HIGH",
         "delta": "min", "ni": 3, "nullInt": null, "np": 1}
        """;

    [Fact]
    public async Task Every_json_form_is_read()
    {
        var scalars = Assert.IsType<Scalars>(await RunAsync(Valid));

        Assert.Equal(new DateTime(2026, 12, 4, 20, 30, 0, 250, DateTimeKind.Utc), scalars.Dt);
        Assert.Equal(DateTimeKind.Utc, scalars.Dt.Kind);
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 21, 30, 0, TimeSpan.FromHours(1)), scalars.Dto);
        Assert.Equal(TimeSpan.FromHours(1), scalars.Dto.Offset);
        Assert.Equal((Priority.High, Delta.Min, (Priority?)Priority.Low), (scalars.P, scalars.Delta, scalars.NP));
        Assert.Equal((12.50m, 'é', ulong.MaxValue, 4000000000u), (scalars.M, scalars.C, scalars.UL, scalars.UI));
        Assert.Equal(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), scalars.G);
        Assert.Equal(((int?)3, (int?)null, (string?)null), (scalars.NI, scalars.NullInt, scalars.NullStr));
    }

    [Theory]
    [InlineData("\"dt\": \"2026-12-04\"", "2026-12-04T00:00:00.0000000Z")]
    [InlineData("\"dt\": \"2026-12-04T20:30Z\"", "2026-12-04T20:30:00.0000000Z")]
    [InlineData("\"dt\": \"2026-12-04T20:30:00\"", "2026-12-04T20:30:00.0000000Z")]
    public async Task Dates_without_a_time_or_an_offset_are_utc(string date, string expected)
    {
        var scalars = Assert.IsType<Scalars>(await RunAsync(Replace("\"dt\": \"2026-12-04T21:30:00.25+01:00\"", date)));

        Assert.Equal(expected, scalars.Dt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("\"by\": 255", "\"by\": 256", "Param 'by' (byte) of task 'tests.generated.Scalars': expected a JSON integer from 0 to 255 (Byte), got the JSON number 256.")]
    [InlineData("\"i\": 7", "\"i\": 7.0", "expected a JSON integer (Int32), got the JSON number 7.0.")]
    [InlineData("\"i\": 7", "\"i\": \"7\"", "expected a JSON integer (Int32), got the JSON string \"7\".")]
    [InlineData("\"b\": true", "\"b\": 1", "Param 'b' (bool) of task 'tests.generated.Scalars': expected true or false, got the JSON number 1.")]
    [InlineData("\"c\": \"é\"", "\"c\": \"ab\"", "expected a JSON string of one character, got the JSON string \"ab\".")]
    [InlineData("\"m\": \"12.50\"", "\"m\": \"twelve\"", "expected a decimal number or a string holding one, such as \"12.50\", got the JSON string \"twelve\".")]
    [InlineData("\"ts\": \"1.02:03:04\"", "\"ts\": 90", "expected a TimeSpan string \"[-][d.]hh:mm:ss[.fffffff]\" such as \"01:30:00\", got the JSON number 90.")]
    [InlineData("\"dto\": \"2026-12-04T21:30:00+01:00\"", "\"dto\": \"04/12/2026\"", "expected an ISO 8601 date string such as \"2026-12-04T20:30:00Z\" or \"2026-12-04T21:30:00+01:00\" (DateTimeOffset), got the JSON string \"04/12/2026\".")]
    [InlineData("\"p\": \"HIGH\"", "\"p\": \"Medium\"", "expected one of the names Low, High (any case) or a number (Priority), got the JSON string \"Medium\".")]
    [InlineData("\"str\": \"x\"", "\"str\": null", "Param 'str' (string) of task 'tests.generated.Scalars': expected a JSON string (string), got null (the param is not nullable).")]
    [InlineData("\"str\": \"x\"", "\"str\": [\"x\"]", "expected a JSON string, got a JSON array [\"x\"].")]
    [InlineData("\"np\": 1", "\"np\": 1, \"NP\": 1", "Params of task 'tests.generated.Scalars': unknown param \"NP\" (the task's params are b, sb, by,")]
    public async Task A_value_it_cannot_read_is_reported_in_json_terms(string replace, string with, string message)
    {
        var error = await Assert.ThrowsAsync<MrqParamsException>(() => RunAsync(Replace(replace, with)));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("msgpack", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Dates_times_and_sets_are_read_from_json()
    {
        var calendar = Assert.IsType<Calendar>(await RunCalendarAsync(CalendarJson));

        Assert.Equal((new DateOnly(2026, 12, 4), new TimeOnly(14, 30), (DateOnly?)new DateOnly(2027, 1, 1)), (calendar.Day, calendar.At, calendar.MaybeDay));
        Assert.Equal(["x", "y"], calendar.Tags.Order(StringComparer.Ordinal));
        Assert.Equal([1, 2], calendar.Slots.Order());
        Assert.Equal([new DateOnly(2026, 12, 25)], calendar.Holidays);
    }

    [Theory]
    [InlineData("\"day\": \"2026-12-04\"", "\"day\": \"04/12/2026\"", "Param 'day' (System.DateOnly) of task 'tests.generated.Calendar': expected an ISO 8601 date string \"yyyy-MM-dd\" such as \"2026-12-04\", got the JSON string \"04/12/2026\".")]
    [InlineData("\"at\": \"14:30\"", "\"at\": \"2:30 PM\"", "expected a time string \"HH:mm[:ss[.fffffff]]\" such as \"14:30\", got the JSON string \"2:30 PM\".")]
    [InlineData("\"slots\": [1, 2, 1]", "\"slots\": 1", "expected a JSON array")]
    public async Task A_date_time_or_set_it_cannot_read_is_reported_in_json_terms(string replace, string with, string message)
    {
        Assert.Contains(replace, CalendarJson, StringComparison.Ordinal);
        var error = await Assert.ThrowsAsync<MrqParamsException>(() => RunCalendarAsync(CalendarJson.Replace(replace, with, StringComparison.Ordinal)));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_huge_bad_value_is_described_by_its_size()
    {
        var error = await Assert.ThrowsAsync<MrqParamsException>(() => RunAsync(Replace("\"i\": 7", $"\"i\": \"{new string('9', 1_000_000)}\"")));

        Assert.Matches(@"got the JSON string \(1,000,00\d bytes\)\.", error.Message);
        Assert.True(error.Message.Length < 1_000, error.Message);
    }

    private static string Replace(string replace, string with)
    {
        Assert.Contains(replace, Valid, StringComparison.Ordinal);
        return Valid.Replace(replace, with, StringComparison.Ordinal);
    }

    private const string CalendarJson = """
        {"day": "2026-12-04", "at": "14:30", "maybeDay": "2027-01-01", "tags": ["x", "y", "x"], "slots": [1, 2, 1], "holidays": ["2026-12-25"]}
        """;

    private static async Task<object?> RunCalendarAsync(string json)
    {
        Received.Start();
        Assert.True(TaskCatalog.TryFind(Tasks.CalendarTask.Path, out var task));
        await task.Invoke(new TestJobContext(task.Path), MessagePackJson.FromJson(json), new ArrayBufferWriter<byte>());
        return Received.Value;
    }

    private static async Task<object?> RunAsync(string json)
    {
        Received.Start();
        Assert.True(TaskCatalog.TryFind(Tasks.ScalarsTask.Path, out var task));
        await task.Invoke(new TestJobContext(task.Path), MessagePackJson.FromJson(json), new ArrayBufferWriter<byte>());
        return Received.Value;
    }
}
