namespace SharpTrace.Kernel;

/// <summary>Receives one record from a ring buffer; the span is only valid during the call.</summary>
internal delegate void RecordHandler(ReadOnlySpan<byte> record);

/// <summary>
/// A BPF_MAP_TYPE_RINGBUF map and its consumer: programs write records with bpf_ringbuf_output/reserve,
/// we read them in place from the shared mapping.
/// </summary>
internal sealed unsafe class RingBuffer : IDisposable
{
    // Each record starts with an 8-byte header: u32 length with these two flag bits, u32 page offset.
    private const uint BusyBit = 1u << 31;
    private const uint DiscardBit = 1u << 30;
    private const int HeaderSize = 8;

    private readonly MemoryMapping _consumer;
    private readonly MemoryMapping _producer;
    private readonly FileDescriptor _epoll;
    private readonly int _pageSize;
    private readonly ulong _mask;
    private byte[] _wrapped = [];

    private RingBuffer(BpfMap map, MemoryMapping consumer, MemoryMapping producer, FileDescriptor epoll, int pageSize)
    {
        Map = map;
        _consumer = consumer;
        _producer = producer;
        _epoll = epoll;
        _pageSize = pageSize;
        _mask = (ulong)map.MaxEntries - 1;
    }

    /// <summary>The ring buffer map, for programs to reference.</summary>
    public BpfMap Map { get; }

    /// <summary>Creates a ring buffer of <paramref name="size"/> bytes: a power of two, a multiple of the page size.</summary>
    public static RingBuffer Create(int size, string name = "ringbuf")
    {
        var pageSize = Native.PageSize;
        if (size < pageSize || (size & (size - 1)) != 0)
            throw new ArgumentException($"ring buffer size {size} is not a power of two of at least {pageSize}", nameof(size));

        var map = BpfMap.Create(BpfMapType.RingBuf, 0, 0, size, name);
        MemoryMapping? consumer = null, producer = null;
        FileDescriptor? epoll = null;
        try
        {
            // Layout from the map's offset 0: one writable page holding consumer_pos, one read-only page holding
            // producer_pos, then the data pages, which the kernel offers twice in a row so that a record that wraps
            // reads contiguously. We map them once: the kernel maps every page of the mapping at once, so a second
            // copy would count the whole buffer twice in our resident memory (1 MiB of `BEGIN { exit(); }`'s);
            // the rare record that wraps is copied together instead (Drain).
            consumer = MemoryMapping.Map(map.Fd, 0, pageSize, Native.ProtRead | Native.ProtWrite, $"map consumer page of {name}");
            producer = MemoryMapping.Map(map.Fd, pageSize, pageSize + size, Native.ProtRead, $"map data pages of {name}");

            var epollFd = Native.EpollCreate1(Native.EpollCloexec);
            if (epollFd < 0)
                throw KernelException.FromLastError($"create epoll for {name}");
            epoll = new FileDescriptor(epollFd);
            var watch = new EpollEvent { Events = Native.EpollIn };
            if (Native.EpollCtl(epoll.Value, Native.EpollCtlAdd, map.Fd, &watch) != 0)
                throw KernelException.FromLastError($"watch {name} with epoll");
            return new RingBuffer(map, consumer, producer, epoll, pageSize);
        }
        catch
        {
            epoll?.Dispose();
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
        var data = _producer.Address + _pageSize;
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
                var offset = (int)(position & _mask);
                var header = (uint*)(data + offset);
                var length = Volatile.Read(ref *header);
                if ((length & BusyBit) != 0)
                    return consumed; // reserved but not yet committed; its commit will wake us
                progressed = true;
                var recordLength = (int)(length & ~(BusyBit | DiscardBit));
                position += (ulong)((recordLength + HeaderSize + 7) & ~7);
                if ((length & DiscardBit) == 0)
                {
                    onRecord(Record(data, offset + HeaderSize, recordLength));
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

    /// <summary>The record of <paramref name="length"/> bytes at <paramref name="offset"/>, joined if it wraps.</summary>
    private ReadOnlySpan<byte> Record(byte* data, int offset, int length)
    {
        var size = (int)_mask + 1;
        if (offset >= size)
            offset -= size;
        if (offset + length <= size)
            return new ReadOnlySpan<byte>(data + offset, length);
        if (_wrapped.Length < length)
            _wrapped = new byte[Math.Max(length, 2 * _wrapped.Length)];
        var head = size - offset;
        new ReadOnlySpan<byte>(data + offset, head).CopyTo(_wrapped);
        new ReadOnlySpan<byte>(data, length - head).CopyTo(_wrapped.AsSpan(head));
        return _wrapped.AsSpan(0, length);
    }

    /// <summary>Unmaps the buffer and closes the map and the epoll instance.</summary>
    public void Dispose()
    {
        _epoll.Dispose();
        _producer.Dispose();
        _consumer.Dispose();
        Map.Dispose();
    }
}
