using SharpTrace.Syntax;

namespace SharpTrace.Tests.Syntax;

/// <summary>
/// A uprobe or usdt target may be a relative path without "./" (<c>uprobe:testprogs/prog:func</c>), as the newest
/// bpftrace's parser reads a "/" after the provider's ":" as part of the path; a "/" elsewhere still starts a predicate.
/// </summary>
public class AttachPointPathTests
{
    [Theory]
    [InlineData("uprobe:testprogs/prog:func { }", "uprobe", "testprogs/prog", "func", false)]
    [InlineData("u:a/b/c:f { }", "u", "a/b/c", "f", false)]
    [InlineData("uretprobe:bin/x:f /pid == 1/ { }", "uretprobe", "bin/x", "f", true)]
    [InlineData("usdt:lib/libfoo.so:prov:probe { }", "usdt", "lib/libfoo.so", "prov", false)]
    [InlineData("p=uprobe:rel/prog:f { }", "uprobe", "rel/prog", "f", false)]
    public void RelativeTargetKeepsItsSlashes(string script, string provider, string target, string function, bool hasPredicate)
    {
        var tree = SyntaxTree.Parse(script);
        Assert.Empty(tree.Diagnostics);

        var probe = Assert.Single(tree.Root.Probes);
        var point = Assert.Single(probe.AttachPoints);
        Assert.Equal((provider, target, function, hasPredicate), (point.Provider, point.Parts[0], point.Parts[1], probe.Predicate is not null));
    }

    [Theory]
    // bpftrace 0.17 reads these predicates written against the attach point; they stay predicates.
    [InlineData("kprobe:f/pid/ { }")]
    [InlineData("tracepoint:a:b/pid == 1/ { }")]
    [InlineData("uprobe:/bin/sh:f/pid/ { }")]
    [InlineData("BEGIN/pid/ { }")]
    public void ASlashOutsideAPathStillStartsAPredicate(string script)
    {
        var tree = SyntaxTree.Parse(script);
        Assert.Empty(tree.Diagnostics);

        Assert.NotNull(Assert.Single(tree.Root.Probes).Predicate);
    }

    [Theory]
    // The newest bpftrace's parser takes everything after the provider's ":" up to white space, "{" or "," as the
    // attach point, so "/*" and "//" in a target are path text, not a comment (bpftrace 0.17's lexer needs quotes).
    [InlineData("uprobe:/usr/lib/*/libc.so.6:malloc { }", "/usr/lib/*/libc.so.6", "malloc")]
    [InlineData("ur:/opt//app/*:main { }", "/opt//app/*", "main")]
    [InlineData("usdt:/usr/lib/*/libpython3*.so*:python:function__entry { }", "/usr/lib/*/libpython3*.so*", "python")]
    public void AWildcardDirectoryInATargetIsNoComment(string script, string target, string next)
    {
        var tree = SyntaxTree.Parse(script);
        Assert.Empty(tree.Diagnostics);

        var point = Assert.Single(Assert.Single(tree.Root.Probes).AttachPoints);
        Assert.Equal((target, next), (point.Parts[0], point.Parts[1]));
    }

    [Fact]
    public void ACommentAfterTheTargetsFunctionIsStillAComment()
    {
        var tree = SyntaxTree.Parse("uprobe:/usr/lib/*/libc.so.6:malloc/* size */ { }");
        Assert.Empty(tree.Diagnostics);

        var probe = Assert.Single(tree.Root.Probes);
        Assert.Equal("malloc", Assert.Single(probe.AttachPoints).Parts[1]);
        Assert.Null(probe.Predicate);
    }
}
