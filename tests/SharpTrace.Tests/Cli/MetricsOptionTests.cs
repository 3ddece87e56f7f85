using System.Net;
using SharpTrace.Cli;
using static SharpTrace.Tests.Cli.CommandLine;

namespace SharpTrace.Tests.Cli;

/// <summary><c>--metrics [ADDR:]PORT</c> and <c>--metrics-label k=v</c> as the command line reads them.</summary>
public sealed class MetricsOptionTests
{
    [Theory]
    [InlineData("9100", "127.0.0.1:9100")]
    [InlineData("0.0.0.0:9100", "0.0.0.0:9100")]
    [InlineData("192.168.1.5:80", "192.168.1.5:80")]
    [InlineData("[::1]:9100", "[::1]:9100")]
    [InlineData("[::]:9100", "[::]:9100")]
    public void MetricsTakesAPortAndOptionallyAnAddress(string text, string endpoint) =>
        Assert.Equal(IPEndPoint.Parse(endpoint), Parse("--metrics", text, "-e", "BEGIN {}").MetricsEndpoint);

    [Theory]
    [InlineData("localhost:9100")]
    [InlineData("99999")]
    [InlineData("::1")]
    [InlineData("127.0.0.1")]
    [InlineData("-1")]
    [InlineData("1.2.3.4:")]
    public void MetricsRejectsWhatIsNotAnAddressAndPort(string text) =>
        Assert.Equal($"--metrics {text}: expected [ADDR:]PORT with an IP address, such as 9100, 0.0.0.0:9100 or [::1]:9100",
            ParseError("--metrics", text, "-e", "BEGIN {}"));

    [Fact]
    public void WithoutMetricsThereIsNoEndpoint() => Assert.Null(Parse("-e", "BEGIN {}").MetricsEndpoint);

    [Fact]
    public void MetricsLabelsRepeatInOrder() =>
        Assert.Equal(
            [new("host", "web-1"), new("role", "db=primary"), new("empty", "")],
            Parse("--metrics", "9100", "--metrics-label", "host=web-1", "--metrics-label", "role=db=primary", "--metrics-label", "empty=", "-e", "BEGIN {}").MetricsLabels);

    [Theory]
    [InlineData("host", "--metrics-label host: expected name=value, such as host=web-1")]
    [InlineData("=x", "--metrics-label =x: expected name=value, such as host=web-1")]
    [InlineData("le=1", "--metrics-label: metrics label 'le': a label name is letters, digits and '_', not starting with a digit or '__', and not le, quantile, key, keyN, value or valueN")]
    [InlineData("a-b=1", "--metrics-label: metrics label 'a-b': a label name is letters, digits and '_', not starting with a digit or '__', and not le, quantile, key, keyN, value or valueN")]
    public void MetricsLabelsMustBeValidLabels(string label, string error) =>
        Assert.Equal(error, ParseError("--metrics", "9100", "--metrics-label", label, "-e", "BEGIN {}"));

    [Fact]
    public void ALabelGivenTwiceIsAnError() =>
        Assert.Equal("--metrics-label: metrics label 'host' is given twice",
            ParseError("--metrics", "9100", "--metrics-label", "host=a", "--metrics-label", "host=b", "-e", "BEGIN {}"));

    [Fact]
    public void MetricsLabelNeedsMetrics() =>
        Assert.Equal("--metrics-label needs --metrics", ParseError("--metrics-label", "host=a", "-e", "BEGIN {}"));
}
