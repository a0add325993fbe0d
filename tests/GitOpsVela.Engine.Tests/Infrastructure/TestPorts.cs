using System.Net;
using System.Net.Sockets;

namespace GitOpsVela.Engine.Tests.Infrastructure;

/// <summary>Ports on 127.0.0.1 for the real parts tests start (web hooks, git and registry servers).</summary>
internal static class TestPorts
{
    /// <summary>A port free on the loopback interface now (the OS picks it; the listener is closed before returning).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
