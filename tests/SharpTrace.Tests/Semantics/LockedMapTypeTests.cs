namespace SharpTrace.Tests.Semantics;

/// <summary>
/// The newest bpftrace's "locked" types (tests/type_resolver.cpp locked_types, with `sizeof` where it asks `typeinfo`,
/// which SharpTrace lacks): a map whose type a comptime expression read keeps it; an assignment in the branch that
/// would widen it is the reference's error, over the assignment (over the map access for a key).
/// </summary>
public class LockedMapTypeTests
{
    private const string Locked =
        "this type has been locked because it was used in another part of the type graph that was already resolved (e.g. `sizeof`, `typeinfo`, etc.).";

    [Theory]
    [InlineData("BEGIN { if comptime (sizeof(@a) == 4) { @a = (uint32)2; } @a = (uint32)1; }")]
    [InlineData("BEGIN { if comptime (sizeof(@a[(uint32)1]) == 1) { @a[(uint32)2] = 2; } @a[(uint32)1] = 1; }")]
    [InlineData("BEGIN { if comptime (sizeof(@a) == 4) { @a = 1; } @a = (uint32)2; }")]
    // A type still being found in the pass is not locked: the reference resolves the whole program before it folds.
    [InlineData("BEGIN { @a = 1; $s = comptime sizeof(@a); @a = (int64)2; print($s); }")]
    public void AnAssignmentThatFitsTheLockedTypeIsAccepted(string script) => Assert.Empty(SemanticKit.Errors(script));

    [Theory]
    [InlineData("BEGIN { if comptime (sizeof(@a) == 4) { ⟦@a = (uint64)2⟧; } @a = (uint32)1; }",
        "Type mismatch for @a: " + Locked + " The new type 'uint64' doesn't fit into the locked type 'uint32'")]
    [InlineData("BEGIN { if comptime (sizeof(@a[(uint32)1]) == 1) { ⟦@a[(uint64)2]⟧ = 2; } @a[(uint32)1] = 1; }",
        "Type mismatch for @a: " + Locked + " The new type 'uint64' doesn't fit into the locked type 'uint32'")]
    [InlineData("BEGIN { if comptime (sizeof(typeof(@a)) == 4) { ⟦@a = (int64)2⟧; } @a = (uint32)1; }",
        "Type mismatch for @a: " + Locked + " The new type 'int64' doesn't fit into the locked type 'uint32'")]
    public void AWiderAssignmentIsTheReferencesError(string annotated, string message) =>
        SemanticKit.AssertDiagnostics(annotated, message);
}
