using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Loading.Model;

namespace GitOpsVela.Engine.Execution.Steps;

/// <summary>Shared by the steps that send HTTP: resolves <c>{value}</c> / <c>{secretRef: {name, key}}</c> URLs and posts JSON.</summary>
internal abstract class HttpStepBase(HttpClient http, ISecretReader? secrets, ISentLog? sent = null) : IStepExecutor
{
    public abstract string Type { get; }

    public abstract Task<StepOutcome> ExecuteAsync(StepContext context, CancellationToken cancellationToken);

    protected HttpClient Http => http;

    /// <summary>The URL as written, or read from the Secret it names in the application's namespace (never kept).</summary>
    protected async Task<string> ResolveUrlAsync(UrlSource url, StepContext context, string where, CancellationToken ct)
    {
        if (url.Value is { } value) return value;
        if (url is { SecretName: { } name, SecretKey: { } key })
        {
            if (secrets is null) throw new InvalidOperationException($"{where}: Secret '{name}' needs a cluster to read it from");
            return (await secrets.ReadAsync(context.Application.Namespace, name, key, ct).ConfigureAwait(false)).Trim();
        }
        throw new InvalidOperationException($"{where} must be {UrlSource.AcceptedForms}");
    }

    /// <summary>
    /// POSTs JSON once per run of a revision (see <see cref="ISentLog"/>). A 5xx or 429 answer, or a network fault, is
    /// worth trying again; another status >= 400 fails the step. The URL, which may carry a token or come from a Secret,
    /// is never in a message.
    /// </summary>
    protected async Task<StepOutcome> PostJsonAsync(string url, JsonNode body, string what, StepContext context, CancellationToken ct)
    {
        var key = $"{context.Application.Namespace}/{context.Application.Name}/{context.Workflow.SpecHash}/{context.Workflow.Restarts}/{context.Step.Name}/{what}";
        if (sent?.WasSent(key) == true) return StepOutcome.Succeeded($"{what} already sent for this revision");
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsync(url, content, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            return StepOutcome.Retry($"{what} could not be sent: {e.HttpRequestError}");
        }
        using (response)
        {
            var code = (int)response.StatusCode;
            if (code >= 500 || code == 429)
                return StepOutcome.Retry($"{what} was not accepted: HTTP {code} {response.ReasonPhrase}", response.Headers.RetryAfter?.Delta);
            if (code >= 400)
                return StepOutcome.Failed($"{what} was refused: HTTP {code} {response.ReasonPhrase}");
        }
        sent?.MarkSent(key);
        return StepOutcome.Succeeded($"{what} sent");
    }
}

/// <summary><c>webhook</c> (webhook.cue): POSTs <c>data</c> (or the application) as JSON to <c>url</c>.</summary>
internal sealed class WebhookStep(HttpClient http, ISecretReader? secrets = null, ISentLog? sent = null) : HttpStepBase(http, secrets, sent)
{
    public override string Type => "webhook";

    public override async Task<StepOutcome> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var spec = (WebhookSpec)context.Spec;
        var url = await ResolveUrlAsync(spec.Url, context, "url", cancellationToken).ConfigureAwait(false);
        var data = spec.Data?.DeepClone() ?? context.Application.Document.DeepClone();
        return await PostJsonAsync(url, data, "webhook", context, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>
/// <c>notification</c> (notification.cue) and its alias <c>webhook-notification</c>: Slack, DingTalk and Lark messages
/// posted as JSON to their URLs. Email (SMTP) is not sent: the step fails saying so.
/// </summary>
internal sealed class NotificationStep(HttpClient http, ISecretReader? secrets = null, string type = "notification", ISentLog? sent = null) : HttpStepBase(http, secrets, sent)
{
    public override string Type => type;

    public override async Task<StepOutcome> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var spec = (NotificationSpec)context.Spec;
        var sent = new List<string>();
        foreach (var channel in spec.Channels)
        {
            var url = await ResolveUrlAsync(channel.Url, context, $"{channel.Kind}.url", cancellationToken).ConfigureAwait(false);
            var message = channel.Message?.DeepClone() ?? new JsonObject();
            var outcome = await PostJsonAsync(url, message, $"{channel.Kind} notification", context, cancellationToken).ConfigureAwait(false);
            if (outcome.Phase != StepPhase.Succeeded) return outcome;
            sent.Add(outcome.Message is { } said && said.Contains("already sent", StringComparison.Ordinal) ? $"{channel.Kind} (already sent for this revision)" : channel.Kind);
        }
        if (spec.Email is not null)
            return StepOutcome.Failed("email notifications are not supported by GitOpsVela (no SMTP client); use slack, dingding, lark or a webhook step");
        return sent.Count == 0
            ? StepOutcome.Failed("notification needs one of slack, dingding, lark")
            : StepOutcome.Succeeded($"notified {string.Join(", ", sent)}");
    }
}

/// <summary>
/// <c>request</c> (request.cue): an HTTP request (<c>method</c> GET by default, <c>body</c>, <c>header</c>); fails on a status
/// above 400; the response body parsed as JSON is the step's <c>output</c> (<c>outputs: valueFrom: output.response.x</c>).
/// </summary>
internal sealed class RequestStep(HttpClient http) : IStepExecutor
{
    public string Type => "request";

    public async Task<StepOutcome> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var spec = (RequestSpec)context.Spec;
        if (spec.Url.Length == 0) return StepOutcome.Failed("property 'url' is required");
        var url = spec.Url;
        var method = spec.Method;
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (spec.Body is JsonNode body)
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        if (spec.Header.Count > 0)
        {
            foreach (var (name, text) in spec.Header)
            {
                if (!request.Headers.TryAddWithoutValidation(name, text) && request.Content is not null)
                {
                    request.Content.Headers.Remove(name);
                    if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(text);
                    else request.Content.Headers.TryAddWithoutValidation(name, text);
                }
            }
        }
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        if (status > 400) return StepOutcome.Failed($"request of {RedactedUrl(url)} failed: {status}");
        var text2 = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        JsonNode? parsed;
        try
        {
            parsed = string.IsNullOrWhiteSpace(text2) ? null : JsonNode.Parse(text2);
        }
        catch (JsonException)
        {
            parsed = JsonValue.Create(text2);
        }
        return StepOutcome.Succeeded($"{method} {RedactedUrl(url)}: {status}", new JsonObject { ["response"] = parsed, ["statusCode"] = status });
    }

    /// <summary>The URL without user info or query (tokens often travel there).</summary>
    private static string RedactedUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}" : "(url)";
}
