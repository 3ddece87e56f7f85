namespace SharpTrace.Kernel;

/// <summary>Receives one record from a ring buffer; the span is only valid during the call.</summary>
internal delegate void RecordHandler(ReadOnlySpan<byte> record);

/// <summary>
/// A BPF_MAP_TYPE_RINGBUF map and its consumer: programs write records with bpf_ringbuf_output/reserve,
/// we read them in place from the shared mapping.
/// </summary>
/// <remarks>
/// The kernel maps every page of a ring buffer mapping at once, so mapping the whole buffer would make all of it
/// resident in every run (1 MiB of `BEGIN { exit(); }`'s peak memory). Only a window of the data pages around the
/// consumer position is mapped, and it slides forward as records are read. The kernel offers the data pages twice
/// in a row, so a window may run past the end of the buffer into the second copy: a record that wraps is contiguous.
/// </remarks>
internal sealed unsafe class RingBuffer : IDisposable
{
    // Each record starts with an 8-byte header: u32 length with these two flag bits, u32 page offset.
    private const uint BusyBit = 1u << 31;
    private const uint DiscardBit = 1u << 30;
    private const int HeaderSize = 8;

    /// <summary>The data pages mapped at a time, unless a record needs more.</summary>
    public const int DefaultWindow = 64 * 1024;

    private readonly MemoryMapping _consumer;
    private readonly MemoryMapping _producer;
    private readonly MemoryMapping _window;
    private readonly FileDescriptor _epoll;
    private readonly int _pageSize;
    private readonly int _size;
    private readonly int _windowSize;
    private int _windowStart; // offset in the doubled data pages of the window's first byte
    private int _windowLength; // bytes mapped; 0 before the first record

    private RingBuffer(BpfMap map, MemoryMapping consumer, MemoryMapping producer, MemoryMapping window,
        FileDescriptor epoll, int pageSize, int windowSize)
    {
        Map = map;
        _consumer = consumer;
        _producer = producer;
        _window = window;
        _epoll = epoll;
        _pageSize = pageSize;
        _size = map.MaxEntries;
        _windowSize = windowSize;
    }

    /// <summary>The ring buffer map, for programs to reference.</summary>
    public BpfMap Map { get; }

    /// <summary>
    /// Creates a ring buffer of <paramref name="size"/> bytes (a power of two, a multiple of the page size), of which
    /// <paramref name="window"/> bytes at most are mapped at a time unless one record is larger.
    /// </summary>
    public static RingBuffer Create(int size, string name = "ringbuf", int window = DefaultWindow)
    {
        var pageSize = Native.PageSize;
        if (size < pageSize || (size & (size - 1)) != 0)
            throw new ArgumentException($"ring buffer size {size} is not a power of two of at least {pageSize}", nameof(size));
        if (window < pageSize || window % pageSize != 0)
            throw new ArgumentException($"ring buffer window {window} is not a multiple of the page size {pageSize}", nameof(window));

        var map = BpfMap.Create(BpfMapType.RingBuf, 0, 0, size, name);
        MemoryMapping? consumer = null, producer = null, reserved = null;
        FileDescriptor? epoll = null;
        try
        {
            // From the map's offset 0: one writable page holding consumer_pos, one read-only page holding
            // producer_pos, then the data pages twice.
            consumer = MemoryMapping.Map(map.Fd, 0, pageSize, Native.ProtRead | Native.ProtWrite, $"map consumer page of {name}");
            producer = MemoryMapping.Map(map.Fd, pageSize, pageSize, Native.ProtRead, $"map producer page of {name}");
            // The window's address space: room for the largest record a window may have to hold, from its page.
            reserved = MemoryMapping.Reserve(size + pageSize, $"reserve address space for the data pages of {name}");

            var epollFd = Native.EpollCreate1(Native.EpollCloexec);
            if (epollFd < 0)
                throw KernelException.FromLastError($"create epoll for {name}");
            epoll = new FileDescriptor(epollFd);
            var watch = new EpollEvent { Events = Native.EpollIn };
            if (Native.EpollCtl(epoll.Value, Native.EpollCtlAdd, map.Fd, &watch) != 0)
                throw KernelException.FromLastError($"watch {name} with epoll");
            return new RingBuffer(map, consumer, producer, reserved, epoll, pageSize, Math.Min(window, size));
        }
        catch
        {
            epoll?.Dispose();
            reserved?.Dispose();
            producer?.Dispose();
            consumer?.Dispose();
            map.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Hands every available record to <paramref name="onRecord"/>, first waiting up to
    /// <paramref name="timeoutMs"/> (-1: forever) if there is none. Returns the number of records consumed.
    /// </summary>
    public int Poll(int timeoutMs, RecordHandler onRecord)
    {
        var consumed = Drain(onRecord);
        if (consumed > 0 || timeoutMs == 0)
            return consumed;
        Wait(timeoutMs);
        return Drain(onRecord);
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> (-1: forever) for the kernel to signal new records.</summary>
    public void Wait(int timeoutMs)
    {
        var ready = new EpollEvent();
        if (Native.EpollWait(_epoll.Value, &ready, 1, timeoutMs) < 0 && Native.LastErrno != Native.Eintr)
            throw KernelException.FromLastError($"wait for ring buffer {Map.Name}");
    }

    /// <summary>
    /// Hands the available records to <paramref name="onRecord"/> without waiting, at most <paramref name="limit"/> of
    /// them (under a flood the buffer is never empty, and the caller must get to check whether to stop); returns how many.
    /// </summary>
    public int Drain(RecordHandler onRecord, int limit = int.MaxValue)
    {
        var consumerPos = (ulong*)_consumer.Address;
        var producerPos = (ulong*)_producer.Address;
        var mask = (ulong)_size - 1;
        var consumed = 0;
        var position = Volatile.Read(ref *consumerPos);
        bool progressed;
        do
        {
            // Records committed while we were reading don't wake epoll (we had not caught up yet), so
            // look at the producer position again until it stops moving.
            progressed = false;
            var end = Volatile.Read(ref *producerPos);
            while (position < end)
            {
                // Records are 8-byte aligned and the size a power of two, so a header never wraps; its record may.
                var offset = (int)(position & mask);
                var header = (uint*)Mapped(offset, HeaderSize);
                var length = Volatile.Read(ref *header);
                if ((length & BusyBit) != 0)
                    return consumed; // reserved but not yet committed; its commit will wake us
                progressed = true;
                var recordLength = (int)(length & ~(BusyBit | DiscardBit));
                position += (ulong)((recordLength + HeaderSize + 7) & ~7);
                if ((length & DiscardBit) == 0)
                {
                    var record = Mapped(offset, HeaderSize + recordLength) + HeaderSize;
                    onRecord(new ReadOnlySpan<byte>(record, recordLength));
                    consumed++;
                }
                // Releases the record's space to producers only after the handler is done with it.
                Volatile.Write(ref *consumerPos, position);
                if (consumed >= limit)
                    return consumed;
            }
        }
        while (progressed);
        return consumed;
    }

    /// <summary>
    /// The address of <paramref name="length"/> bytes of data from <paramref name="offset"/> (below the buffer's size;
    /// the bytes may run past its end, into the second copy), sliding the window there if it does not hold them.
    /// </summary>
    private byte* Mapped(int offset, int length)
    {
        if (offset < _windowStart || offset + length > _windowStart + _windowLength)
        {
            var start = offset & ~(_pageSize - 1);
            var needed = (offset - start + length + _pageSize - 1) & ~(_pageSize - 1);
            var windowLength = Math.Min(Math.Max(_windowSize, needed), 2 * _size - start);
            _window.MapOver(Map.Fd, 2L * _pageSize + start, windowLength, _windowLength, Native.ProtRead,
                $"map data pages of {Map.Name}");
            _windowStart = start;
            _windowLength = windowLength;
        }
        return _window.Address + (offset - _windowStart);
    }

    /// <summary>Unmaps the buffer and closes the map and the epoll instance.</summary>
    public void Dispose()
    {
        _epoll.Dispose();
        _window.Dispose();
        _producer.Dispose();
        _consumer.Dispose();
        Map.Dispose();
    }
}
