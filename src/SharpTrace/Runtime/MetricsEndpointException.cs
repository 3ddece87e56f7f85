namespace SharpTrace.Runtime;

/// <summary>The metrics endpoint cannot listen where it was asked to (a port in use, an address not on this machine).</summary>
public sealed class MetricsEndpointException(string message, Exception? inner = null) : IOException(message, inner);
