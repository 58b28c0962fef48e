using System.Net;
using Mrq.Redis;
using StackExchange.Redis;

namespace Mrq.Tests.Broker;

public sealed class RedisUriTests
{
    private static (string Host, int Port) Endpoint(ConfigurationOptions options)
    {
        var endpoint = Assert.Single(options.EndPoints);
        return endpoint switch
        {
            DnsEndPoint dns => (dns.Host, dns.Port),
            IPEndPoint ip => (ip.Address.ToString(), ip.Port),
            _ => throw new InvalidOperationException(endpoint.ToString()),
        };
    }

    [Fact]
    public void Parses_the_mrq_default()
    {
        var options = RedisUri.Parse("redis://127.0.0.1:6379");
        Assert.Equal(("127.0.0.1", 6379), Endpoint(options));
        Assert.Equal(0, options.DefaultDatabase);
        Assert.False(options.Ssl);
        Assert.Null(options.Password);
        Assert.Null(options.User);
    }

    [Fact]
    public void Parses_password_port_and_database()
    {
        var options = RedisUri.Parse("redis://:s3cret@redis.example.com:6380/2");
        Assert.Equal(("redis.example.com", 6380), Endpoint(options));
        Assert.Equal("s3cret", options.Password);
        Assert.Null(options.User);
        Assert.Equal(2, options.DefaultDatabase);
    }

    [Fact]
    public void Parses_tls_user_and_escaped_password_with_default_port()
    {
        var options = RedisUri.Parse("rediss://worker:p%40ss%3Aword@cache.internal/5");
        Assert.Equal(("cache.internal", 6379), Endpoint(options));
        Assert.True(options.Ssl);
        Assert.Equal("cache.internal", options.SslHost);
        Assert.Equal("worker", options.User);
        Assert.Equal("p@ss:word", options.Password);
        Assert.Equal(5, options.DefaultDatabase);
    }

    [Theory]
    [InlineData("redis://localhost", "localhost", 6379, 0)]
    [InlineData("redis://localhost/", "localhost", 6379, 0)]
    [InlineData("REDIS://LocalHost:7000/15", "localhost", 7000, 15)]
    [InlineData("redis://[::1]:6390/1", "::1", 6390, 1)]
    public void Parses_hosts_ports_and_databases(string uri, string host, int port, int database)
    {
        var options = RedisUri.Parse(uri);
        Assert.Equal((host, port), Endpoint(options));
        Assert.Equal(database, options.DefaultDatabase);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("localhost:6379", "scheme")]
    [InlineData("http://localhost:6379", "scheme")]
    [InlineData("unix:///tmp/redis.sock", "scheme")]
    [InlineData("redis://", "")]
    [InlineData("redis://localhost:notaport", "")]
    [InlineData("redis://localhost:0", "port")]
    [InlineData("redis://localhost:6379/abc", "database")]
    [InlineData("redis://localhost:6379/-1", "database")]
    [InlineData("redis://localhost:6379/1/2", "database")]
    [InlineData("redis://localhost:6379/0?timeout=5", "query")]
    public void Rejects_bad_uris_naming_them(string uri, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => RedisUri.Parse(uri));
        Assert.Contains($"'{uri}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False(RedisUri.TryParse(uri, out _, out var why));
        Assert.False(string.IsNullOrEmpty(why));
    }

    [Fact]
    public void Error_messages_mask_the_password()
    {
        var error = Assert.Throws<ArgumentException>(() => RedisUri.Parse("redis://:hunter2@localhost:6379/x"));
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
        Assert.Contains("'redis://:***@localhost:6379/x'", error.Message, StringComparison.Ordinal);
    }
}
