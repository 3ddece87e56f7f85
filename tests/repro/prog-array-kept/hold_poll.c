// hold_poll PID TIMES: while process PID (a sharptrace run) lives, opens by id every program it holds and notes its
// prog_arrays (from its fdinfo). Holding its programs keeps its dispatcher, and so its table, loaded after PID ends:
// the state a loaded machine gives the table for seconds while the dispatcher waits for its RCU grace periods.
// Then each table is opened by id and closed TIMES times back to back, under SCHED_FIFO on CPU 0 (the kworker of
// CPU 0 cannot run between them), as TIMES polls of a leak check within one kworker latency; then the programs
// are closed. Prints the table ids.
#define _GNU_SOURCE
#include <dirent.h>
#include <linux/bpf.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
static long bpf(int cmd, union bpf_attr *a) { return syscall(SYS_bpf, cmd, a, sizeof(*a)); }
static unsigned tables[64], progs[4096]; static int held[4096], ntables, nprogs;
static int seen(unsigned *list, int n, unsigned id) { for (int i = 0; i < n; i++) if (list[i] == id) return 1; return 0; }
static void collect(int pid) {
    char path[64]; snprintf(path, sizeof path, "/proc/%d/fdinfo", pid);
    DIR *d = opendir(path); if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        char f[128]; snprintf(f, sizeof f, "%s/%s", path, e->d_name);
        FILE *fp = fopen(f, "r"); if (!fp) continue;
        char line[256]; unsigned map = 0, prog = 0; int type = -1;
        while (fgets(line, sizeof line, fp)) {
            sscanf(line, "map_type: %d", &type); sscanf(line, "map_id: %u", &map); sscanf(line, "prog_id: %u", &prog);
        }
        fclose(fp);
        if (type == BPF_MAP_TYPE_PROG_ARRAY && map && !seen(tables, ntables, map) && ntables < 64) tables[ntables++] = map;
        if (prog && !seen(progs, nprogs, prog) && nprogs < 4096) {
            union bpf_attr a; memset(&a, 0, sizeof a); a.prog_id = prog;
            int fd = bpf(BPF_PROG_GET_FD_BY_ID, &a);
            if (fd >= 0) { progs[nprogs] = prog; held[nprogs++] = fd; }
        }
    }
    closedir(d);
}
int main(int argc, char **argv) {
    int pid = atoi(argv[1]), times = atoi(argv[2]);
    while (kill(pid, 0) == 0) {
        char stat[64], state = 0; snprintf(stat, sizeof stat, "/proc/%d/stat", pid);
        FILE *fp = fopen(stat, "r"); if (fp) { fscanf(fp, "%*d %*s %c", &state); fclose(fp); }
        if (state == 'Z') break;
        collect(pid); usleep(2000);
    }
    sleep(1);
    cpu_set_t one; CPU_ZERO(&one); CPU_SET(0, &one); sched_setaffinity(0, sizeof one, &one);
    struct sched_param fifo = { .sched_priority = 10 }; if (sched_setscheduler(0, SCHED_FIFO, &fifo)) perror("fifo");
    for (int i = 0; i < ntables; i++)
        for (int k = 0; k < times; k++) {
            union bpf_attr a; memset(&a, 0, sizeof a); a.map_id = tables[i];
            int fd = bpf(BPF_MAP_GET_FD_BY_ID, &a);
            if (fd >= 0) close(fd); else perror("map by id");
        }
    struct sched_param other = { 0 }; sched_setscheduler(0, SCHED_OTHER, &other);
    usleep(100000);
    for (int i = 0; i < nprogs; i++) close(held[i]);
    fprintf(stderr, "held %d programs\n", nprogs);
    for (int i = 0; i < ntables; i++) printf("%u\n", tables[i]);
    return 0;
}
