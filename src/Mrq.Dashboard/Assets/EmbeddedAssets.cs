using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Mrq.Dashboard.Api;

namespace Mrq.Dashboard.Assets;

/// <summary>The page, script and style embedded in the assembly, served with an ETag (no files on disk, no build step).</summary>
internal sealed class EmbeddedAssets
{
    private readonly Dictionary<string, (byte[] Content, string ContentType, string ETag)> _assets = new(StringComparer.Ordinal);

    public EmbeddedAssets()
    {
        Load("index.html", "text/html; charset=utf-8");
        Load("app.js", "text/javascript; charset=utf-8");
        Load("app.css", "text/css; charset=utf-8");
    }

    /// <summary>Serves the page; a URL without its trailing slash is redirected to it so the page's relative links resolve.</summary>
    public Task PageAsync(HttpContext http, DashboardState state)
    {
        var path = http.Request.PathBase.Add(http.Request.Path).Value ?? "/";
        if (!path.EndsWith('/'))
        {
            http.Response.Redirect(path + "/" + http.Request.QueryString);
            return Task.CompletedTask;
        }

        return ServeAsync(http, "index.html");
    }

    public Func<HttpContext, DashboardState, Task> Handler(string name) => (http, _) => ServeAsync(http, name);

    private Task ServeAsync(HttpContext http, string name)
    {
        var (content, contentType, etag) = _assets[name];
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = "no-cache";
        if (http.Request.Headers.IfNoneMatch == etag)
        {
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        http.Response.ContentType = contentType;
        http.Response.ContentLength = content.Length;
        return http.Response.Body.WriteAsync(content, http.RequestAborted).AsTask();
    }

    private void Load(string name, string contentType)
    {
        using var stream = typeof(EmbeddedAssets).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The dashboard asset {name} is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var content = copy.ToArray();
        _assets[name] = (content, contentType, "\"" + Convert.ToHexString(SHA256.HashData(content), 0, 8) + "\"");
    }
}
