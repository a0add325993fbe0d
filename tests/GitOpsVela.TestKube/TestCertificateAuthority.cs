using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GitOpsVela.TestKube;

/// <summary>
/// A throwaway certificate authority for an HTTPS test API server (and for a second, wrong CA a kubeconfig may trust):
/// RSA 2048, valid for two days (certificates it issues for one), issuing server certificates for 127.0.0.1 and localhost.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private readonly X509Certificate2 _certificate;

    private TestCertificateAuthority(X509Certificate2 certificate) => _certificate = certificate;

    public string Subject => _certificate.Subject;

    /// <summary>The CA certificate as PEM (what a kubeconfig's certificate-authority-data holds, base64-encoded).</summary>
    public string CertificatePem => _certificate.ExportCertificatePem();

    public static TestCertificateAuthority Create(string commonName)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return new TestCertificateAuthority(request.CreateSelfSigned(now.AddMinutes(-10), now.AddDays(2)));
    }

    /// <summary>A server certificate for 127.0.0.1 and localhost, with its private key, signed by this CA.</summary>
    public X509Certificate2 IssueServerCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=testkube-apiserver", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        // Within the CA's validity (its NotBefore/NotAfter are whole seconds).
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(_certificate, now.AddMinutes(-5), now.AddDays(1), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        // Kestrel on Linux wants a certificate whose key it can use for the TLS handshake: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose() => _certificate.Dispose();
}
