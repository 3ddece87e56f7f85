// reopen ROUNDS REOPEN: creates ROUNDS one-entry prog_arrays named "kept_by_kern"; closes each one's fd (its last
// user reference goes: the kernel takes a map reference and queues the table's clear), and with REOPEN=1 opens it
// by id and closes it again at once (a second last user reference gone: a second map reference, but the clear is
// already queued, so schedule_work() queues nothing and that reference is never dropped). SCHED_FIFO on CPU 0 keeps
// the kworker of CPU 0 from running in between. Prints the ids; with REOPEN=1 they stay listed for good.
#define _GNU_SOURCE
#include <linux/bpf.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
static long bpf(int cmd, union bpf_attr *a) { return syscall(SYS_bpf, cmd, a, sizeof(*a)); }
static unsigned id_of(int fd) {
    struct bpf_map_info info; memset(&info, 0, sizeof info);
    union bpf_attr a; memset(&a, 0, sizeof a);
    a.info.bpf_fd = fd; a.info.info_len = sizeof info; a.info.info = (unsigned long)&info;
    if (bpf(BPF_OBJ_GET_INFO_BY_FD, &a)) { perror("info"); exit(1); }
    return info.id;
}
int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 10, reopen = argc > 2 ? atoi(argv[2]) : 1;
    cpu_set_t set; CPU_ZERO(&set); CPU_SET(0, &set);
    if (sched_setaffinity(0, sizeof set, &set)) perror("affinity");
    struct sched_param p = { .sched_priority = 10 };
    if (sched_setscheduler(0, SCHED_FIFO, &p)) perror("fifo");
    for (int i = 0; i < rounds; i++) {
        union bpf_attr a; memset(&a, 0, sizeof a);
        a.map_type = BPF_MAP_TYPE_PROG_ARRAY; a.key_size = 4; a.value_size = 4; a.max_entries = 1;
        strcpy(a.map_name, "kept_by_kern");
        int fd = bpf(BPF_MAP_CREATE, &a);
        if (fd < 0) { perror("create"); return 1; }
        unsigned id = id_of(fd);
        close(fd);                       // uref 1 -> 0: clear work queued, map kept by the work's reference
        if (reopen) {
            memset(&a, 0, sizeof a); a.map_id = id;
            int again = bpf(BPF_MAP_GET_FD_BY_ID, &a);   // uref 0 -> 1 (refcnt still > 0)
            if (again >= 0) close(again);                 // uref 1 -> 0: second inc, work already pending
            else perror("get fd by id");
        }
        printf("%u\n", id);
    }
    return 0;
}
