using System.Net;
using System.Net.Sockets;

namespace GitOpsVela.TestKube;

/// <summary>How <see cref="TcpOutageProxy"/> treats connections.</summary>
public enum ProxyMode
{
    /// <summary>Bytes flow both ways (TLS passes through untouched).</summary>
    Forward,

    /// <summary>The API server is gone: open connections are cut and new ones are refused (nothing listens on the port).</summary>
    Refuse,

    /// <summary>The API server hangs: connections are accepted and held, nothing is ever answered (not even a TLS handshake).</summary>
    Stall,
}

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of any API server — the in-tests one or a real cluster — so a test can cut the
/// server off mid-run (<see cref="ProxyMode.Refuse"/>), make it hang (<see cref="ProxyMode.Stall"/>) and bring it back,
/// without stopping the server itself. A kubeconfig pointed at <see cref="Address"/> reaches the server through it.
/// </summary>
public sealed class TcpOutageProxy : IAsyncDisposable
{
    private readonly DnsEndPoint _target;
    private readonly object _lock = new();
    private readonly List<TcpClient> _open = [];
    private readonly CancellationTokenSource _disposed = new();
    private TcpListener? _listener;
    private ProxyMode _mode = ProxyMode.Forward;

    public TcpOutageProxy(string targetHost, int targetPort)
    {
        _target = new DnsEndPoint(targetHost, targetPort);
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Listen();
    }

    public int Port { get; }

    /// <summary>"127.0.0.1:port".</summary>
    public string Address => $"127.0.0.1:{Port}";

    public ProxyMode Mode
    {
        get
        {
            lock (_lock) return _mode;
        }
    }

    /// <summary>How many connections were accepted so far (stalled ones included).</summary>
    public int Accepted { get; private set; }

    /// <summary>Switches mode: Refuse closes the listener and every open connection; Stall and Forward listen (again) on the same port.</summary>
    public void SetMode(ProxyMode mode)
    {
        lock (_lock)
        {
            var previous = _mode;
            _mode = mode;
            if (mode == ProxyMode.Refuse)
            {
                _listener?.Stop();
                _listener = null;
            }
            else if (_listener is null) Listen();
            if (mode != ProxyMode.Forward || previous == ProxyMode.Stall) CloseOpen();
        }
    }

    /// <summary>Cuts the server off for <paramref name="duration"/>, then forwards again; the task ends when it is back.</summary>
    public async Task OutageAsync(TimeSpan duration)
    {
        SetMode(ProxyMode.Refuse);
        await Task.Delay(duration, _disposed.Token);
        SetMode(ProxyMode.Forward);
    }

    private void Listen()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var listener = new TcpListener(IPAddress.Loopback, Port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            try
            {
                listener.Start();
                _listener = listener;
                _ = AcceptLoopAsync(listener);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }

    private async Task AcceptLoopAsync(TcpListener listener)
    {
        while (!_disposed.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(_disposed.Token);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                return; // stopped
            }
            ProxyMode mode;
            lock (_lock)
            {
                Accepted++;
                mode = _mode;
                _open.Add(client);
            }
            if (mode == ProxyMode.Forward) _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(_target.Host, _target.Port, _disposed.Token);
            lock (_lock) _open.Add(upstream);
            var a = client.GetStream();
            var b = upstream.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, _disposed.Token), b.CopyToAsync(a, _disposed.Token));
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // One side went away (or the proxy cut it).
        }
        finally
        {
            lock (_lock)
            {
                _open.Remove(client);
                _open.Remove(upstream);
            }
            Close(client);
        }
    }

    private void CloseOpen()
    {
        foreach (var c in _open) Close(c);
        _open.Clear();
    }

    private static void Close(TcpClient c)
    {
        try
        {
            // Linger 0: the peer sees a reset, as when a server process dies.
            c.Client.LingerState = new LingerOption(true, 0);
            c.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    public ValueTask DisposeAsync()
    {
        _disposed.Cancel();
        lock (_lock)
        {
            _listener?.Stop();
            _listener = null;
            CloseOpen();
        }
        _disposed.Dispose();
        return ValueTask.CompletedTask;
    }
}
