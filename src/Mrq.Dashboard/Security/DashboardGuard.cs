using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Mrq.Dashboard.Api;

namespace Mrq.Dashboard.Security;

/// <summary>
/// What every dashboard response goes through: security headers (a strict CSP, no framing, no sniffing), HTTP Basic
/// auth when configured, and for actions the read-only switch and a cross-site request check.
/// </summary>
internal static class DashboardGuard
{
    /// <summary>The header the page sends with every action. A cross-site form cannot set it, and a cross-site script
    /// cannot send it without a CORS preflight, which the dashboard never grants.</summary>
    public const string ActionHeader = "X-Mrq-Dashboard";

    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /// <summary>A page, asset or read of the API.</summary>
    public static RequestDelegate Read(DashboardState state, Func<HttpContext, DashboardState, Task> handler) => async http =>
    {
        if (Admit(http, state))
        {
            await handler(http, state).ConfigureAwait(false);
        }
    };

    /// <summary>An action: refused in read-only mode and when the request may come from another site.</summary>
    public static RequestDelegate Action(DashboardState state, Func<HttpContext, DashboardState, Task> handler) => async http =>
    {
        if (!Admit(http, state))
        {
            return;
        }

        if (state.Options.ReadOnly)
        {
            await DashboardApi.ErrorAsync(http, StatusCodes.Status403Forbidden, "The dashboard is read-only.").ConfigureAwait(false);
            return;
        }

        if (!IsSameSiteAction(http.Request))
        {
            await DashboardApi.ErrorAsync(http, StatusCodes.Status403Forbidden, "Actions must come from the dashboard's own page.").ConfigureAwait(false);
            return;
        }

        await handler(http, state).ConfigureAwait(false);
    };

    private static bool Admit(HttpContext http, DashboardState state)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        if (state.Options.BasicAuth is { } expected && !HasCredentials(http.Request, expected))
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            headers.WWWAuthenticate = "Basic realm=\"Mrq dashboard\", charset=\"UTF-8\"";
            return false;
        }

        return true;
    }

    private static bool HasCredentials(HttpRequest request, string expected)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromBase64String(header["Basic ".Length..].Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(expected));
    }

    private static bool IsSameSiteAction(HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method) || request.Headers[ActionHeader] != "1")
        {
            return false;
        }

        if (!(request.ContentType ?? "").StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0 && fetchSite is not ("same-origin" or "none"))
        {
            return false;
        }

        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0 || string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
    }
}
