using SharpTrace.Semantics;
using SharpTrace.Tests.Semantics;

namespace SharpTrace.Tests.Builtins;

/// <summary>
/// getopt(name, default, description): types from the default, values from the command line, and every error of the
/// newest bpftrace's named-parameter pass and run start (src/ast/passes/named_param.cpp, src/globalvars.cpp), in its
/// words (bpftrace 0.17 has no getopt).
/// </summary>
public class GetoptTests
{
    private static ProgramConfig Given(params (string Name, string? Value)[] arguments) =>
        new() { NamedArguments = arguments.ToDictionary(a => a.Name, a => a.Value) };

    private static BoundProgram BindOk(string script, ProgramConfig config)
    {
        var (program, diagnostics) = SemanticKit.Bind(script, config);
        Assert.True(program is not null, string.Join('\n', diagnostics));
        return program;
    }

    [Fact]
    public void DefaultsAndGivenValuesAreConstantsOfTheDefaultsType()
    {
        // The reference's example: -- --cc --bb=bye gives (10, "bye", true, false).
        var program = BindOk("""BEGIN { printf("%d %s %d %d %d\n", getopt("aa", 10, "Description of aa"), getopt("bb", "hello"), getopt("cc"), getopt("dd", false), getopt("ee", -3)); }""",
            Given(("cc", null), ("bb", "bye")));
        var types = BoundTreePrinter.Print(program);
        Assert.Contains("Integer 10", types, StringComparison.Ordinal);
        Assert.Contains("String \"bye\"", types, StringComparison.Ordinal);
        Assert.Contains("Integer -3", types, StringComparison.Ordinal);
        Assert.Equal(["aa", "bb", "cc", "dd", "ee"], program.NamedArguments.Select(a => a.Name));
        Assert.Equal("Description of aa", program.NamedArguments[0].Description);
        Assert.Equal(NamedArgumentKind.Signed, program.NamedArguments[4].Kind);
    }

    [Theory]
    [InlineData("true", "true")]
    [InlineData("1", "true")]
    [InlineData("false", "false")]
    [InlineData("0", "false")]
    [InlineData(null, "true")]
    public void BooleansTakeTheReferencesValues(string? given, string value)
    {
        var argument = new NamedArgument("b", NamedArgumentKind.Boolean, "false", "");
        Assert.Equal(value, NamedArguments.Value(argument, new Dictionary<string, string?> { ["b"] = given }, out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("""BEGIN { printf("%d", ⟦getopt("aa", 1)⟧); }""", "aa", "x", "program command line option --aa expects an integer (value: x)")]
    [InlineData("""BEGIN { printf("%d", ⟦getopt("aa", 1)⟧); }""", "aa", null, "program command line option --aa expects an integer (value: true)")]
    [InlineData("""BEGIN { printf("%d", ⟦getopt("aa", 1)⟧); }""", "aa", "-1", "program command line option --aa expects an integer (value: -1)")]
    [InlineData("""BEGIN { printf("%s", ⟦getopt("s", "a")⟧); }""", "s", null, "program command line option --s expects a string (value: true)")]
    [InlineData("""BEGIN { printf("%d", ⟦getopt("b")⟧); }""", "b", "maybe", "program command line option --b expects a boolean (e.g. 'true') (value: maybe)")]
    public void BadlyTypedValuesAreErrors(string annotated, string name, string? value, string message) =>
        SemanticKit.AssertDiagnostics(annotated, Given((name, value)), message);

    [Theory]
    [InlineData("""BEGIN { printf("%d", getopt(⟦1⟧)); }""", "First argument to 'getopt' must be a string literal.")]
    [InlineData("""BEGIN { printf("%d", ⟦getopt("a", 1, "d", 4)⟧); }""", "The 'getopt' function can take a maximum of three arguments and a minimum of one argument.")]
    [InlineData("""BEGIN { printf("%d", getopt("a", ⟦pid⟧)); }""", "Second argument to 'getopt' must be a string literal, integer literal, or a boolean literal.")]
    [InlineData("""BEGIN { printf("%d", getopt("a", 1, ⟦2⟧)); }""", "Function 'getopt' requires the third parameter to be a string literal.")]
    [InlineData("""BEGIN { printf("%d %d", getopt("a", 1), ⟦getopt("a", 2)⟧); }""", "Command line option 'a' needs to have the same default value in all places it is used. Previous default value: 1")]
    [InlineData("""BEGIN { printf("%d %d", getopt("a", 1, "x"), ⟦getopt("a", 1, "y")⟧); }""", "Command line option 'a' must have the same description in all places it's used. Hint: You can wrap it in a macro")]
    public void MisusesAreErrorsInTheReferencesWords(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);

    [Fact]
    public void UnknownNamesAndHelpListTheScriptsArguments()
    {
        var defined = new[] { new NamedArgument("aa", NamedArgumentKind.Unsigned, "1", "Description of aa"), new NamedArgument("bb", NamedArgumentKind.Boolean, "false", "") };

        Assert.Null(NamedArguments.CheckNames(defined, ["aa", "bb"], out _));
        Assert.Equal("unexpected program command line options: --zz", NamedArguments.CheckNames(defined, ["zz"], out var hint));
        // bpftrace separates them this way outside --help (src/globalvars.h).
        Assert.Equal("expected program options: --aa: --bb", hint);
        Assert.Equal("", NamedArguments.CheckNames(defined, ["help"], out hint));
        Assert.Equal("expected program options:\n--aa: Description of aa\n--bb", hint);
        Assert.Equal("unexpected program command line options: --x", NamedArguments.CheckNames([], ["x"], out hint));
        Assert.Equal("no custom program options defined.", hint);
    }
}
