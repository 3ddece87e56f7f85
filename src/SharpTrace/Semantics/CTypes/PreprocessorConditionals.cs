using SharpTrace.Syntax;

namespace SharpTrace.Semantics.CTypes;

/// <summary>What a preprocessor condition is known to be: a header's may be neither true nor false.</summary>
internal enum ConditionTruth { False, True, Unknown }

/// <summary>How the reader of one file decides its conditions.</summary>
internal interface IConditionSource
{
    /// <summary>Whether the macro <paramref name="name"/> is defined (<c>#ifdef</c>, <c>#ifndef</c>).</summary>
    ConditionTruth IsDefined(string name);

    /// <summary>The condition of an <c>#if</c> or <c>#elif</c>; <paramref name="offset"/> is where it starts in the file.</summary>
    ConditionTruth Evaluate(string condition, int offset);
}

/// <summary>What <see cref="PreprocessorConditionals.Directive"/> made of a directive.</summary>
internal enum ConditionalDirective
{
    /// <summary>Not a conditional: the caller handles it when <see cref="PreprocessorConditionals.Active"/>.</summary>
    Other,
    /// <summary>A conditional, taken into account.</summary>
    Handled,
    /// <summary>An <c>#elif</c>, <c>#else</c> or <c>#endif</c> without an open <c>#if</c>.</summary>
    Unmatched,
}

/// <summary>
/// The open <c>#if/#ifdef/#ifndef</c> of one file (a script or a header), the branch each is in, and so whether the
/// lines here are read. A condition may be unknown (a header's test of a macro only its compiler would know): its
/// branch is read, so that its definitions stay visible, and a later branch known to be true is read too, since the
/// unknown one may not have been taken. A branch is skipped only when it is known not to be taken. A condition is
/// evaluated only when its branch could be read, so a skipped one reports no errors.
/// </summary>
internal sealed class PreprocessorConditionals(IConditionSource source)
{
    // Current: whether this branch is read. Condition: its own condition. Closed: a condition so far is known true,
    // so no later branch is taken. Maybe: a condition so far is unknown, so a later true one is only maybe taken.
    // Active: no enclosing branch, nor this one, is known not to be taken.
    private sealed record Frame(TextSpan Span, bool ParentActive, ConditionTruth Current, ConditionTruth Condition, bool Closed, bool Maybe)
    {
        public bool Active => ParentActive && Current != ConditionTruth.False;
    }

    private readonly Stack<Frame> _frames = new();

    /// <summary>Whether the lines here are read: no enclosing branch is known not to be taken.</summary>
    public bool Active => _frames.Count == 0 || _frames.Peek().Active;

    /// <summary>Where each conditional still open starts, innermost first.</summary>
    public IEnumerable<TextSpan> Open => _frames.Select(f => f.Span);

    /// <summary>Takes a directive's word (<c>if ifdef ifndef elif else endif</c> are conditionals) and the text after it.</summary>
    /// <param name="word">The directive's name, as in <c>ifdef</c>.</param>
    /// <param name="rest">The text after it.</param>
    /// <param name="restOffset">Where <paramref name="rest"/> starts in the file.</param>
    /// <param name="span">The directive's line.</param>
    public ConditionalDirective Directive(string word, string rest, int restOffset, TextSpan span)
    {
        switch (word)
        {
            case "if" or "ifdef" or "ifndef":
            {
                var condition = !Active ? ConditionTruth.False : word switch
                {
                    "if" => source.Evaluate(rest, restOffset),
                    "ifdef" => source.IsDefined(FirstIdentifier(rest)),
                    _ => Not(source.IsDefined(FirstIdentifier(rest))),
                };
                _frames.Push(new Frame(span, Active, condition, condition, false, false));
                return ConditionalDirective.Handled;
            }
            case "elif" or "else" or "endif":
            {
                if (_frames.Count == 0)
                    return ConditionalDirective.Unmatched;
                var frame = _frames.Pop();
                if (word == "endif")
                    return ConditionalDirective.Handled;
                var closed = frame.Closed || frame.Condition == ConditionTruth.True;
                var maybe = frame.Maybe || frame.Condition == ConditionTruth.Unknown;
                var condition = closed || !frame.ParentActive ? ConditionTruth.False
                    : word == "else" ? ConditionTruth.True : source.Evaluate(rest, restOffset);
                var current = condition == ConditionTruth.True && maybe ? ConditionTruth.Unknown : condition;
                _frames.Push(frame with { Current = current, Condition = condition, Closed = closed, Maybe = maybe });
                return ConditionalDirective.Handled;
            }
            default:
                return ConditionalDirective.Other;
        }
    }

    /// <summary>Negation, with unknown staying unknown.</summary>
    public static ConditionTruth Not(ConditionTruth t) =>
        t switch { ConditionTruth.True => ConditionTruth.False, ConditionTruth.False => ConditionTruth.True, _ => ConditionTruth.Unknown };

    /// <summary>The macro name at the start of <paramref name="text"/>; empty when it starts with none.</summary>
    public static string FirstIdentifier(string text)
    {
        var end = 0;
        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_'))
            end++;
        return end > 0 && !char.IsAsciiDigit(text[0]) ? text[..end] : "";
    }
}
