#!/usr/bin/env python3
"""analyze.py TICKS FTRACE PERIOD_NS: see run.sh."""
import bisect
import collections
import re
import sys

ticks_path, ftrace_path, period = sys.argv[1], sys.argv[2], int(sys.argv[3])
prints = collections.defaultdict(list)  # (kind, cpu) -> nsecs
for line in open(ticks_path):
    parts = line.split()
    if len(parts) == 3 and parts[0] in ("I", "P") and parts[1].isdigit():
        prints[(parts[0], int(parts[2]))].append(int(parts[1]))
for times in prints.values():
    times.sort()

expiry = re.compile(r"^\s*(.+?)-(\d+)\s+\[(\d+)\] (\S+)\s+\S+: hrtimer_expire_entry: hrtimer=(\w+) "
                    r"function=perf_swevent_hrtimer now=(\d+)")
expiries = []  # (now, cpu, task, flags, timer)
for line in open(ftrace_path):
    m = expiry.search(line)
    if m:
        expiries.append((int(m.group(6)), int(m.group(3)), f"{m.group(1).strip()}-{m.group(2)}", m.group(4), m.group(5)))


def printed_after(kind, cpu, now, window):
    times = prints[(kind, cpu)]
    i = bisect.bisect_left(times, now)
    return i < len(times) and times[i] - now < window


# Which timer is whose: the profile timer of a CPU prints P after nearly every expiry.
votes = collections.Counter()
for now, cpu, _, _, timer in expiries:
    votes[(timer, "P")] += printed_after("P", cpu, now, 100_000)
    votes[(timer, "I")] += printed_after("I", cpu, now, 100_000)
kind_of = {timer: ("P" if votes[(timer, "P")] >= votes[(timer, "I")] else "I") for _, _, _, _, timer in expiries}

interval = sorted((t, cpu) for (kind, cpu), times in prints.items() if kind == "I" for t in times)
if interval:
    first = interval[0][0]
    numbers = [round((t - first) / period) for t, _ in interval]
    print(f"interval: {len(interval)} runs printed over {numbers[-1] + 1} periods")
    for (a, (ta, ca)), (b, (tb, cb)) in zip(zip(numbers, interval), zip(numbers[1:], interval[1:])):
        if b - a != 1:
            print(f"  periods {a} -> {b}: ticks at {ta / 1e9:.6f} (cpu {ca}) and {tb / 1e9:.6f} (cpu {cb}); timers between:")
            for now, cpu, task, flags, timer in expiries:
                if ta + period // 2 < now < tb - period // 2:
                    print(f"    {now / 1e9:.6f} cpu {cpu} {kind_of[timer]} timer interrupted {task} (flags {flags})")


print("profile timer expiries by the task they interrupted:")
table = collections.Counter()
for now, cpu, task, flags, timer in expiries:
    if kind_of[timer] != "P":
        continue
    ran = printed_after("P", cpu, now, 1_000_000)
    # A tracing program runs with preemption and migration disabled: both depths above 0, as getpid's tracepoint
    # program of the load (on CPU 0 in getpid_flood, anywhere for another process's getpid).
    inside = flags[3] != "." and flags[4] != "."
    name = task.rsplit("-", 1)[0]
    if inside:
        who = "getpid_flood, preempt and migrate depth > 0" if name == "getpid_flood" else "another task, preempt and migrate depth > 0"
    elif name == "tokio-rt-worker":
        who = "tokio-rt-worker (a thread of the VM's agent process)"
    else:
        who = "any other task"
    table[(cpu, who, "ran" if ran else "skipped")] += 1
for (cpu, who, outcome), count in sorted(table.items()):
    print(f"  cpu {cpu} {outcome:8} {count:6}  {who}")

# The agent's threads: every switch to one is recorded, no switch away from one is.
switch = re.compile(r"\[(\d+)\] \S+\s+\S+: sched_switch: prev_comm=(.*) prev_pid=\d+ .* next_comm=(.*) next_pid=\d+")
into = away = 0
for line in open(ftrace_path):
    m = switch.search(line)
    if m:
        into += m.group(3).startswith("tokio-rt-worker")
        away += m.group(2).startswith("tokio-rt-worker")
print(f"switches recorded: {into} to a tokio-rt-worker thread, {away} away from one")
