// Kernel tests attach probes that see every process's events (syscalls, BPF program ids),
// so two tests running at once could see each other's activity. Run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
