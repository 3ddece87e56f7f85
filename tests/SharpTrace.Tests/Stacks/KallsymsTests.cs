using SharpTrace.Kernel;

namespace SharpTrace.Tests.Stacks;

/// <summary>/proc/kallsyms parsing and address lookup.</summary>
public class KallsymsTests
{
    // Lines in /proc/kallsyms order and shape, modules included; addresses are those of the test machine's kernel.
    private const string Sample = """
        0000000000000000 A fixed_percpu_data
        ffffffff81000130 T entry_SYSCALL_64_after_hwframe
        ffffffff81000000 T _stext
        ffffffff81000000 T startup_64
        ffffffff8225a650 T do_syscall_64
        ffffffff8225a900 d some_data
        ffffffff8225a900 t after_do_syscall_64
        ffffffffc0a01000 t nf_hook_slow	[nf_tables]
        """;

    private static Kallsyms Parse() => Kallsyms.Parse(new StringReader(Sample));

    [Fact]
    public void AddressResolvesToTheSymbolAtOrBelowItWithTheOffset()
    {
        var symbols = Parse();

        Assert.Equal(("do_syscall_64", 527UL), symbols.Resolve(0xffffffff8225a85f));
        Assert.Equal(("do_syscall_64", 0UL), symbols.Resolve(0xffffffff8225a650));
        Assert.Equal(("entry_SYSCALL_64_after_hwframe", 0x76UL), symbols.Resolve(0xffffffff810001a6));
        Assert.Equal(("nf_hook_slow", 0x10UL), symbols.Resolve(0xffffffffc0a01010));
    }

    [Fact]
    public void AddressBelowTheFirstSymbolDoesNotResolveAndZeroAddressesAreIgnored()
    {
        var symbols = Parse();

        Assert.Null(symbols.Resolve(0x1000));
        Assert.Equal(5, symbols.Count); // distinct non-zero addresses
    }

    [Fact]
    public void SharedAddressPrefersCodeThenTheFirstListed()
    {
        var symbols = Parse();

        Assert.Equal("_stext", symbols.Resolve(0xffffffff81000010)?.Name);
        Assert.Equal("after_do_syscall_64", symbols.Resolve(0xffffffff8225a901)?.Name);
    }

    [Fact]
    public void NameLooksUpItsAddress()
    {
        var symbols = Parse();

        Assert.Equal(0xffffffff8225a650UL, symbols.AddressOf("do_syscall_64"));
        Assert.Equal(0xffffffffc0a01000UL, symbols.AddressOf("nf_hook_slow"));
        Assert.Null(symbols.AddressOf("no_such_symbol"));
    }

    [Fact]
    public void UnreadableFileResolvesNothing()
    {
        var symbols = Kallsyms.Load("/nonexistent/kallsyms");

        Assert.Equal(0, symbols.Count);
        Assert.Null(symbols.Resolve(0xffffffff8225a85f));
    }
}
