using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Semantics;

/// <summary>
/// Pointers, records and tuples on the kernel, read in a uprobe on tests/programs/pointer_target.c, whose visit() gets
/// a pointer to a list node (id 1, pos (10, 20), values {1,2,3,4}, next: id 2, pos (30, 40), values {5,6,7,8}), a
/// pointer into the int array {100, 200, 300, 400, 500} and a pointer to a pointer to the second node. Whole stdout,
/// text and JSON. What bpftrace 0.17 also runs is compared with it; the rest follows the newest reference, named at
/// each expectation.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class PointerAndRecordTests : KernelTest
{
    private static readonly TimeSpan Bound = TracerProcess.DefaultTimeout;

    private static string Visit(string body) => PointerTarget.Visit(body);

    private static Task<RunResult> TraceVisitAsync(TracerProcess tool) => PointerTarget.TraceVisitAsync(tool);

    [Fact]
    public async Task PointerArithmeticDereferencesAndIndexingMatchBpftrace()
    {
        var script = Visit("""
              $n = (struct node *)arg0;
              $v = (int32 *)arg1;
              $p = $v + 1;
              @deref = *$p;
              @back = *($p - 1);
              @idx = $v[3];
              @step = (uint64)($v + 2) - (uint64)$v;
              @arrow = $n->next->pos.x;
              @k[(struct node *)0x10] = 1;
              @before = (uint64)((int32 *)0x1000 - 1);
            """);

        var expected = await TraceVisitAsync(BpftraceRun.Start(["-e", script]));
        var actual = await TraceVisitAsync(SharpTraceRun.Start(["-e", script]));
        var expectedJson = await TraceVisitAsync(BpftraceRun.Start(["-f", "json", "-e", script]));
        var actualJson = await TraceVisitAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal("\n\n@arrow: 30\n@back: 100\n@before: 4092\n@deref: 200\n@idx: 400\n@k[0x10]: 1\n@step: 8\n", expected.Stdout);
        Assert.Equal((0, expected.Stdout), (actual.ExitCode, actual.Stdout));
        Assert.Equal(JsonLines.NonEmpty(expectedJson.Stdout), JsonLines.NonEmpty(actualJson.Stdout));
    }

    private const string Newest = """
          $n = (struct node *)arg0;
          $v = (int32 *)arg1;
          $l = (struct node **)arg2;
          @a[0] = $v;
          @first = @a[0][0];
          $i = 3;
          @idx = $v[$i];
          $p = $v + 1;
          $p++;
          @inc = *$p;
          @cmp = ($v < $p, $v == $p);
          @dot = ($n.id, $n.pos.y, $n.next.id, $l.id, $l.values[2]);
          @ptr = (int32 *)0x1000 + 1;
          @rec = (id = $n.id, name = "first", pos = ($n.pos.x, $n.pos.y));
          print(@rec.pos);
          delete(@a, 0);
        """;

    [Fact]
    public async Task PointersKeepTheirTypeDotDereferencesAndRecordsPrintAsTheNewestReferenceSays()
    {
        // language.md "Structs": '.' on a pointer dereferences it (through every level, type_resolver.cpp);
        // "Records": named fields read with '.'; types_format.cpp: a pointer prints in hex (JSON: its number), a
        // record as a struct; comparisons are bool (type_resolver.cpp get_binop_ptr). bpftrace 0.17 has none of these.
        var text = await TraceVisitAsync(SharpTraceRun.Start(["-e", Visit(Newest)]));
        var json = await TraceVisitAsync(SharpTraceRun.Start(["-f", "json", "-e", Visit(Newest)]));

        Assert.Equal((0, """
            (10, 20)


            @cmp: (true, false)
            @dot: (1, 20, 2, 2, 7)
            @first: 100
            @idx: 400
            @inc: 300
            @ptr: 0x1004
            @rec: { .id = 1, .name = first, .pos = (10, 20) }

            """), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 1}}
            {"type": "value", "data": [10,20]}
            {"type": "map", "data": {"@cmp": [true,false]}}
            {"type": "map", "data": {"@dot": [1,20,2,2,7]}}
            {"type": "map", "data": {"@first": 100}}
            {"type": "map", "data": {"@idx": 400}}
            {"type": "map", "data": {"@inc": 300}}
            {"type": "map", "data": {"@ptr": 4100}}
            {"type": "map", "data": {"@rec": {"id": 1, "name": "first", "pos": [10,20]}}}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task RecordsWithTheirFieldsInAnotherOrderAreStoredInTheFirstOrder()
    {
        // type_checker.cpp: records with the same fields in another order are compatible (variables, map values and
        // keys, nested); runtime/record "record evaluation order": fields are evaluated as written and stored in the
        // variable's order. bpftrace 0.17 has no records.
        var script = Visit("""
              $n = (struct node *)arg0;
              $r = (id = $n.id, x = $n.pos.x);
              $r = (x = $n.next.pos.x, id = $n.next.id);
              print($r);
              $s = (p = (y = $n.pos.y, x = $n.pos.x), q = 7);
              $s = (q = 8, p = (x = $n.next.pos.x, y = $n.next.pos.y));
              print($s);
              @m = (id = 1, name = "first");
              @m = (name = "second", id = $n.next.id);
              @k[(a = 1, b = "x")] = 1;
              @k[(b = "y", a = $n.id)] = 2;
              $e = (foo = { printf("hello"); 1 }, bar = { printf("world"); 2 });
              $e = (bar = { printf("hello"); 1 }, foo = { printf("world\n"); 2 });
              print($e);
            """);

        var text = await TraceVisitAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceVisitAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, """
            { .id = 2, .x = 30 }
            { .p = { .y = 40, .x = 30 }, .q = 8 }
            helloworldhelloworld
            { .foo = 2, .bar = 1 }


            @k[{ .a = 1, .b = x }]: 1
            @k[{ .a = 1, .b = y }]: 2
            @m: { .id = 2, .name = second }

            """), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 1}}
            {"type": "value", "data": {"id": 2, "x": 30}}
            {"type": "value", "data": {"p": {"y": 40, "x": 30}, "q": 8}}
            {"type": "printf", "data": "hello"}
            {"type": "printf", "data": "world"}
            {"type": "printf", "data": "hello"}
            {"type": "printf", "data": "world\n"}
            {"type": "value", "data": {"foo": 2, "bar": 1}}
            {"type": "map", "data": {"@k": {"{.a=1,.b=x}": 1, "{.a=1,.b=y}": 2}}}
            {"type": "map", "data": {"@m": {"id": 2, "name": "second"}}}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task AddressOfAVariablePointsAtItsCurrentValue()
    {
        // runtime/variable "variable address with int/string": &$x is a kernel pointer to the variable (printed in
        // hex, JSON its number), read through with '*'; it sees later assignments. bpftrace 0.17 has no '&'.
        var script = Visit("""
              $n = (struct node *)arg0;
              $id = $n.id;
              $b = &$id;
              print(*$b);
              $id = $n.next.id;
              print(*$b);
              $t = "hello";
              $c = (int8 *)&$t;
              printf("%c %c\n", *$c, *++$c);
              $pp = &$n;
              print((*$pp).pos.x);
              print($pp.next.id);
              print(($b, *$b));
            """);

        var text = await TraceVisitAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceVisitAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal(0, text.ExitCode);
        Assert.Matches(@"\A1\n2\nh e\n10\n2\n\(0x[0-9a-f]+, 2\)\n\z", text.Stdout);
        Assert.Equal(0, json.ExitCode);
        Assert.Matches("""
            \A\{"type": "attached_probes", "data": \{"probes": 1\}\}
            \{"type": "value", "data": 1\}
            \{"type": "value", "data": 2\}
            \{"type": "printf", "data": "h e\\n"\}
            \{"type": "value", "data": 10\}
            \{"type": "value", "data": 2\}
            \{"type": "value", "data": \[[0-9]+,2\]\}
            \z
            """, json.Stdout);
    }

    private const string Tuples = """
        BEGIN {
          @t[(1, "a")] = ((2, "b"), 3);
          @u[1, (2, "c")] = (x = (y = 1), z = "w");
          $r = (a = 1, b = "x");
          @r[$r] = 5;
          print($r); print((q = (1, 2))); print($r.b);
          exit();
        }
        """;

    [Fact]
    public async Task RecordsAndNestedTuplesInMapKeysAndValuesPrintAsTheNewestReferenceSays()
    {
        // text.cpp: a tuple key prints without its parentheses, records as structs; json.cpp: keys are their text
        // with the parentheses of a tuple key and every space dropped. bpftrace 0.17 refuses tuples as map keys.
        var text = await SharpTraceRun.RunAsync(["-e", Tuples]);
        var json = await SharpTraceRun.RunAsync(["-f", "json", "-e", Tuples]);

        Assert.Equal((0, """
            { .a = 1, .b = x }
            { .q = (1, 2) }
            x


            @r[{ .a = 1, .b = x }]: 5
            @t[1, a]: ((2, b), 3)
            @u[1, (2, c)]: { .x = { .y = 1 }, .z = w }

            """), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 1}}
            {"type": "value", "data": {"a": 1, "b": "x"}}
            {"type": "value", "data": {"q": [1,2]}}
            {"type": "value", "data": "x"}
            {"type": "map", "data": {"@r": {"{.a=1,.b=x}": 5}}}
            {"type": "map", "data": {"@t": {"1,a": [[2,"b"],3]}}}
            {"type": "map", "data": {"@u": {"1,(2,c)": {"x": {"y": 1}, "z": "w"}}}}

            """), (json.ExitCode, json.Stdout));
    }

    [Fact]
    public async Task TypeofDeclaresAndCastsAsTheReferenceSays()
    {
        // language.md "Type Context Builtins": typeof(expression or type) in a declaration, a cast and sizeof.
        var script = Visit("""
              $n = (struct node *)arg0;
              $v = (int32 *)arg1;
              $w = (typeof($v))arg1;
              let $c: typeof($n.id) = 5;
              @t = (*($w + 4), sizeof(typeof(struct node)), $c);
            """);

        var text = await TraceVisitAsync(SharpTraceRun.Start(["-e", script]));
        var json = await TraceVisitAsync(SharpTraceRun.Start(["-f", "json", "-e", script]));

        Assert.Equal((0, "\n\n@t: (500, 40, 5)\n"), (text.ExitCode, text.Stdout));
        Assert.Equal((0, """
            {"type": "attached_probes", "data": {"probes": 1}}
            {"type": "map", "data": {"@t": [500,40,5]}}

            """), (json.ExitCode, json.Stdout));
    }
}
