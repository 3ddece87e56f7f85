namespace SharpTrace.Runtime;

/// <summary>
/// A cache that keeps values while their estimated sizes add up to at most <paramref name="capacity"/> bytes,
/// forgetting the least recently used first. A value larger than the whole capacity is still kept, alone, until the
/// next one comes, so that the lookups that asked for it are not read again and again.
/// </summary>
internal sealed class SizeBoundedCache<TKey, TValue>(long capacity, Func<TValue, long> sizeOf, IEqualityComparer<TKey>? comparer = null)
    where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<(TKey Key, TValue Value, long Size)>> _entries = new(comparer);
    private readonly LinkedList<(TKey Key, TValue Value, long Size)> _recency = []; // most recently used first

    /// <summary>The estimated bytes of the values kept now.</summary>
    public long Size { get; private set; }

    /// <summary>The number of values kept now.</summary>
    public int Count => _entries.Count;

    /// <summary>The value kept under <paramref name="key"/>, made the most recently used.</summary>
    public bool TryGet(TKey key, out TValue value)
    {
        if (_entries.TryGetValue(key, out var node))
        {
            _recency.Remove(node);
            _recency.AddFirst(node);
            value = node.Value.Value;
            return true;
        }
        value = default!;
        return false;
    }

    /// <summary>The value under <paramref name="key"/>, created by <paramref name="create"/> when it is not kept.</summary>
    public TValue GetOrAdd(TKey key, Func<TKey, TValue> create)
    {
        if (TryGet(key, out var value))
            return value;
        value = create(key);
        Set(key, value);
        return value;
    }

    /// <summary>Keeps <paramref name="value"/> under <paramref name="key"/> (in place of what was there), forgetting the least recently used values beyond the capacity.</summary>
    public void Set(TKey key, TValue value)
    {
        if (_entries.Remove(key, out var old))
        {
            _recency.Remove(old);
            Size -= old.Value.Size;
        }
        var size = Math.Max(1, sizeOf(value));
        while (_recency.Last is { } last && Size + size > capacity)
        {
            _recency.RemoveLast();
            _entries.Remove(last.Value.Key);
            Size -= last.Value.Size;
        }
        _entries[key] = _recency.AddFirst((key, value, size));
        Size += size;
    }
}
