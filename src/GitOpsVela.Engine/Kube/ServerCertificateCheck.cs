using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace GitOpsVela.Engine.Kube;

/// <summary>
/// Says in words why the API server's certificate was refused: KubernetesClient only reports that its validation callback
/// rejected it. On such a failure one more TLS handshake is made (no request is sent, nothing is trusted) just to read the
/// certificate the server presents and check it against the kubeconfig's CA.
/// </summary>
internal static class ServerCertificateCheck
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The request failed because the server's certificate was refused (not because the handshake broke off).</summary>
    public static bool IsUntrusted(HttpRequestException e) =>
        e.HttpRequestError == HttpRequestError.SecureConnectionError && e.InnerException is AuthenticationException a
        && (a.Message.Contains("certificate", StringComparison.OrdinalIgnoreCase) || a.Message.Contains("ValidationCallback", StringComparison.Ordinal));

    /// <summary>"https://host:port presents 'CN=...' issued by 'CN=...'; the kubeconfig trusts 'CN=...'".</summary>
    public static async Task<string> DescribeAsync(Uri server, X509Certificate2Collection? trusted, CancellationToken cancellationToken)
    {
        var trusts = trusted is { Count: > 0 }
            ? $"the kubeconfig's CA is '{string.Join("', '", trusted.Select(c => c.Subject))}'"
            : "the kubeconfig has no certificate-authority, so this machine's trusted roots apply";
        X509Certificate2? presented = null;
        var errors = SslPolicyErrors.None;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(HandshakeTimeout);
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(server.Host, server.Port, timeout.Token).ConfigureAwait(false);
            await using var tls = new SslStream(tcp.GetStream(), false, (_, certificate, _, sslErrors) =>
            {
                presented = certificate is null ? null : new X509Certificate2(certificate);
                errors = sslErrors;
                return true;
            });
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = server.Host }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or AuthenticationException or OperationCanceledException)
        {
            if (presented is null) return $"{server.GetLeftPart(UriPartial.Authority)} presented a certificate that failed validation; {trusts}";
        }
        using (presented)
        {
            if (presented is null) return $"{server.GetLeftPart(UriPartial.Authority)} presented no certificate; {trusts}";
            var shows = $"{server.GetLeftPart(UriPartial.Authority)} presents '{presented.Subject}' issued by '{presented.Issuer}'";
            if (trusted is { Count: > 0 } && ChainsTo(presented, trusted) && errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
                return $"{shows}, which does not name host '{server.Host}' (its names do not match the server address of the kubeconfig)";
            if (presented.NotAfter < DateTime.Now) return $"{shows}, which expired on {presented.NotAfter:u}";
            return $"{shows}; {trusts}";
        }
    }

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2Collection roots)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        return chain.Build(certificate);
    }
}
