using SharpTrace.KernelTests.Support;

namespace SharpTrace.KernelTests.Semantics;

/// <summary>
/// Cases of the newest bpftrace's tests/runtime, run as they are written there, their whole stdout compared in text
/// and JSON. The text is the case's EXPECT lines with our exit section (two newlines before the maps); the JSON is
/// the same values in the reference's record shapes. bpftrace 0.17 runs none of them as the newest does.
/// </summary>
[Trait("Category", "Kernel")]
public sealed class ReferenceRuntimeCaseTests : KernelTest
{
    public static TheoryData<string, string, string> Cases => new()
    {
        // runtime/call "block expression with map assignment": EXPECT @: 100 (an avg map: a "stats" record in JSON,
        // and an empty line after it in text, as runtime/outputs/print_avg_map_args.txt ends).
        {
            "begin { @ = { let $a = 100; avg($a) };  }",
            "\n\n@: 100\n\n",
            """{"type": "stats", "data": {"@": 100}}"""
        },
        // runtime/variable "map key tuple with casted ints": a tuple variable is the map's two keys, widened.
        {
            "begin { @a[(int16)-1, ((int32)-2, 3)] = 10; @a[5, (6, 7)] = 11; $c = ((int8)-4, ((int16)-5, -6)); @a[$c] = 12;  }",
            "\n\n@a[-1, (-2, 3)]: 10\n@a[5, (6, 7)]: 11\n@a[-4, (-5, -6)]: 12\n",
            """{"type": "map", "data": {"@a": {"-1,(-2,3)": 10, "5,(6,7)": 11, "-4,(-5,-6)": 12}}}"""
        },
        // runtime/for "map delete": delete(@, $kv.0) with the loop's key tuple.
        {
            "begin { @[0,0,0] = 1; @[0,0,1] = 1; @[0,1,0] = 1; @[1,0,0] = 1; for ($kv : @) { if ($kv.0.1 == 1) { delete(@, $kv.0); } }  }",
            "\n\n@[0, 0, 0]: 1\n@[0, 0, 1]: 1\n@[1, 0, 0]: 1\n",
            """{"type": "map", "data": {"@": {"0,0,0": 1, "0,0,1": 1, "1,0,0": 1}}}"""
        },
        // runtime/map "uint64 key".
        {
            "begin { @a[18446744073709551615] = 0;  }",
            "\n\n@a[18446744073709551615]: 0\n",
            """{"type": "map", "data": {"@a": {"18446744073709551615": 0}}}"""
        },
        // runtime/pointers "Struct pointer math": the last member without ';'.
        {
            """struct A {int32_t a; int32_t b; char c[28] }; begin { $a=(struct A*) 1024; printf("%lu - 5 x %lu = %lu\n", $a, sizeof(struct A), $a-5);  }""",
            "1024 - 5 x 36 = 844\n",
            """{"type": "printf", "data": "1024 - 5 x 36 = 844\n"}"""
        },
        // runtime/builtin "sizeof": a bool is one byte.
        {
            """struct Foo { int x; char c; } begin { $x = 1; printf("%d %d %d %d %d\n", sizeof(struct Foo), sizeof((*(struct Foo*)0).x), sizeof((*(struct Foo*)0).c), sizeof(1 == 1), sizeof($x));  }""",
            "8 4 1 1 1\n",
            """{"type": "printf", "data": "8 4 1 1 1\n"}"""
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task PrintsWhatTheReferenceCaseExpects(string script, string text, string json)
    {
        var textRun = await SharpTraceRun.RunAsync(["-e", script]);
        var jsonRun = await SharpTraceRun.RunAsync(["-f", "json", "-e", script]);

        Assert.Equal((0, text), (textRun.ExitCode, textRun.Stdout));
        Assert.Equal((0, "{\"type\": \"attached_probes\", \"data\": {\"probes\": 1}}\n" + json + "\n"), (jsonRun.ExitCode, jsonRun.Stdout));
    }
}
