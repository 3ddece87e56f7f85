using System.CommandLine;
using System.CommandLine.Invocation;
using System.Text;
using System.Text.RegularExpressions;

namespace SharpTrace.Cli;

/// <summary>
/// <c>sharptrace --help</c>, laid out as bpftrace's: usage forms, the options in bpftrace's groups, the environment
/// variables read, and one-liners that run on a kernel without kprobes. Plain text, so nothing needs reflection.
/// </summary>
internal static class HelpText
{
    /// <summary>
    /// The help for <paramref name="root"/>: the text below, with the debug stages <c>-d</c> takes, and a line for
    /// any option of the command that the text does not name yet (from its description), so no option goes unlisted.
    /// </summary>
    public static string Render(Command root)
    {
        var stages = string.Join(", ", CommandLineOptions.DebugStageNames.Select(s => $"'{s}'"));
        var text = Text.Replace("{stages}", stages, StringComparison.Ordinal);
        var missing = new StringBuilder();
        foreach (var option in root.Options.Where(o => !o.Hidden))
        {
            var names = option.Aliases.Prepend(option.Name).Where(n => n.StartsWith('-')).Distinct().ToList();
            if (names.Any(n => Regex.IsMatch(text, $@"(?<![\w-]){Regex.Escape(n)}(?![\w-])")))
                continue;
            var usage = string.Join(", ", names) + (option.HelpName is { } value ? " " + value.ToUpperInvariant() : "");
            missing.Append("    ").Append(usage.Length < 15 ? usage.PadRight(15) : usage + "\n" + new string(' ', 19))
                .Append(option.Description).Append('\n');
        }
        if (missing.Length == 0)
            return text;
        var developer = text.IndexOf("\nDEVELOPER OPTIONS:", StringComparison.Ordinal);
        return text[..developer] + "\n" + missing + text[developer..];
    }

    private const string Text = """
        sharptrace - run bpftrace programs, compiled straight to eBPF

        USAGE:
            sharptrace [options] filename [parameters...]
            sharptrace [options] - <stdin input>
            sharptrace [options] -e 'program' [parameters...]
            use -- to pass parameters that start with '-'

        OPTIONS:
            -e 'program'   execute this program
            -l, --list [search|filename]
                           list probes matching search, or the probes of a program; with -v, their arguments
            -v, --verbose  verbose messages: the verifier log of a rejected program; with -l, probe arguments
            -h, --help     show this help message (also -?)
            -V, --version  sharptrace version
            --info         print what this kernel supports: helpers, map and program types, probe kinds

            -p, --pid PID  only trace this process (BEGIN and END excepted); end when it exits
            -c, --cmd CMD  run CMD once probes are attached (its pid is cpid); end when it exits
            --usdt-file-activation
                           accepted; the default (the kernel raises USDT semaphores in every process)
            --dwarf-pid PID
                           ignored with a warning (no DWARF unwinder)

            -o, --output FILE
                           write the program's output to FILE
            -f FORMAT      output format ('text', 'json', 'folded': stack maps as folded stacks)
            --flamegraph FILE
                           also write the stack maps printed at exit to FILE as an SVG flame graph
            -B MODE        output buffering mode ('line', 'full', 'none')
            -q, --quiet    keep messages quiet (no 'Attached N probes')
            -k, --warnings emit a warning when a helper returns an error (accepted; none reports errors yet)
            -kk            check all helper functions (accepted, as -k)
            --no-warnings  disable all warning messages
            --no-print-maps
                           do not print maps at exit (sharptrace's own)

            -I DIR         add the directory to the include search path
            --include FILE add an #include file before the program (its #define integer macros are read)
            --debuginfo DIR[:DIR]
                           add directories to the debug info search path
            --traceable-functions FILE
                           ignored with a warning (for kprobes, which this kernel cannot attach)

            --unsafe       allow unsafe builtin functions (system())
            --no-feature FEATURE[,FEATURE]
                           accepted; no effect ('kprobe_multi', 'kprobe_session', 'uprobe_multi' are not used)
            -b, --btf      accepted; no effect (BTF is always used)

        DEVELOPER OPTIONS:
            --mode MODE    ('codegen', 'compiler-bench', 'bench', 'test', 'format'): as --test, --bench, --fmt; the others exit 1
            --test         run all test: probes and report each
            --bench        time all bench: probes and print a table
            --probe-filter REGEX
                           only load and attach probes whose name matches REGEX (BEGIN, END, self always run)
            --fmt          format the input script and print it (with -o FILE: write it to FILE)

        TROUBLESHOOTING OPTIONS:
            --dry-run      compile and load the programs, attach nothing, run nothing
            -d, --debug STAGE
                           print a stage and exit: {stages} (repeat, or separate with commas)
            -d, -dd        (bpftrace 0.17) print every stage and exit, as -d all
            --verify-llvm-ir
                           accepted; no effect (there is no LLVM IR)
            --emit-elf FILE
                           not supported (sharptrace writes no ELF file): exits 1
            --emit-llvm FILE
                           not supported (there is no LLVM IR; see -d bpf): exits 1
            --aot FILE     not supported (no ahead-of-time tracer): exits 1

        ENVIRONMENT:
            Config variables, also set by a script's config block (the environment wins over it):
            BPFTRACE_MAX_STRLEN           [default: 64] bytes kept per string (0.17: BPFTRACE_STRLEN)
            BPFTRACE_MAX_MAP_KEYS         [default: 4096] entries of a keyed map (0.17: BPFTRACE_MAP_KEYS_MAX)
            BPFTRACE_MAX_CAT_BYTES        [default: 10240] most bytes cat() prints (0.17: BPFTRACE_CAT_BYTES_MAX)
            BPFTRACE_PRINT_MAPS_ON_EXIT   [default: 1] print maps at exit
            BPFTRACE_PERF_RB_PAGES        [default: 64] ring buffer pages per CPU
            BPFTRACE_MAX_PROBES           [default: 512] most attach points of a program
            BPFTRACE_STACK_MODE           [default: bpftrace] stack format: bpftrace, perf, raw or build_id
            BPFTRACE_USTACK_UNWIND        [default: fp] ustack by frame pointers, or dwarf (as dw_ustack)
            BPFTRACE_DW_USTACK_SIZE       [default: 32768] most bytes of user stack dw_ustack copies per event
            BPFTRACE_CPP_DEMANGLE         [default: 1] demangle C++ names of user frames
            BPFTRACE_RUST_DEMANGLE        [default: 1] demangle Rust names of user frames
            BPFTRACE_LICENSE              [default: GPL] license the programs load with (GPL-compatible ones)
            Checked, but tune features sharptrace does not have (no effect):
            BPFTRACE_MAX_BPF_PROGS, BPFTRACE_LOG_SIZE, BPFTRACE_MAX_TYPE_RES_ITERATIONS,
            BPFTRACE_ON_STACK_LIMIT, BPFTRACE_LAZY_SYMBOLICATION,
            BPFTRACE_PROBE_INLINE, BPFTRACE_STR_TRUNC_TRAILER, BPFTRACE_MISSING_PROBES,
            BPFTRACE_CACHE_USER_SYMBOLS, BPFTRACE_SHOW_DEBUG_INFO, BPFTRACE_USE_BLAZESYM,
            BPFTRACE_UNSTABLE_IMPORT_STATEMENT, BPFTRACE_UNSTABLE_TSERIES, BPFTRACE_UNSTABLE_TYPEINFO,
            BPFTRACE_UNSTABLE_DW_USTACK
            Others:
            __BPFTRACE_NOTIFY_PROBES_ATTACHED
                                          when set, write this name to stdout once every probe is attached
            PATH                          where -c commands and uprobe binaries named without a '/' are found
            TZ                            time zone of strftime()

        EXAMPLES:
            sharptrace -l 'tracepoint:syscalls:*sleep*'
                list the sleep system call tracepoints
            sharptrace -e 'tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }'
                count syscalls by process name
            sharptrace -e 'tracepoint:syscalls:sys_enter_openat { printf("%s %s\n", comm, str(args.filename)); }'
                trace file opens with process name and path
            sharptrace -e 'profile:hz:99 { @[kstack] = count(); }'
                profile kernel stacks at 99 Hertz
            sharptrace -e 'uprobe:libc:malloc { @bytes[comm] = hist(arg0); }'
                histogram of malloc sizes by process name
            sharptrace -c 'ls /' -e 'tracepoint:syscalls:sys_enter_openat /pid == cpid/ { @[str(args.filename)] = count(); }'
                count the files a command opens
            sharptrace -lv 'tracepoint:sched:sched_switch'
                show the arguments of the sched_switch tracepoint

        See sharptrace(1) and docs/cli.md.

        """;
}

/// <summary>Writes <see cref="HelpText.Render"/> in place of System.CommandLine's generated help.</summary>
internal sealed class HelpTextAction : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.Write(HelpText.Render(parseResult.RootCommandResult.Command));
        return 0;
    }
}
