using SharpTrace.KernelTests.Support;
using System.Buffers.Binary;
using SharpTrace.Kernel;

namespace SharpTrace.KernelTests.Kernel;

[Trait("Category", "Kernel")]
public class BpfMapTests : KernelTest
{
    private static byte[] Key(uint k) => BitConverter.GetBytes(k);
    private static byte[] Value(ulong v) => BitConverter.GetBytes(v);

    [Fact]
    public void HashMapSupportsCreateReadUpdateDelete()
    {
        using var map = BpfMap.Create(BpfMapType.Hash, 4, 8, 16, "@h");
        map.Update(Key(1), Value(10));
        map.Update(Key(2), Value(20));
        map.Update(Key(1), Value(11));

        var value = new byte[8];
        Assert.True(map.Lookup(Key(1), value));
        Assert.Equal(11UL, BitConverter.ToUInt64(value));
        Assert.False(map.Lookup(Key(3), value));

        Assert.True(map.Delete(Key(2)));
        Assert.False(map.Delete(Key(2)));
        Assert.Equal([1u], map.Keys().Select(k => BitConverter.ToUInt32(k)));
    }

    [Fact]
    public void GetNextKeyWithEmptyKeyStartsAtTheFirstKey()
    {
        using var map = BpfMap.Create(BpfMapType.Hash, 4, 8, 4, "@h");
        var next = new byte[4];
        Assert.False(map.GetNextKey([], next));
        map.Update(Key(7), Value(1));
        Assert.True(map.GetNextKey([], next));
        Assert.Equal(7u, BitConverter.ToUInt32(next));
        Assert.False(map.GetNextKey(Key(7), next));
    }

    [Fact]
    public void KeysAreAllSeenWhenDeletingDuringIteration()
    {
        using var map = BpfMap.Create(BpfMapType.Hash, 4, 8, 64, "@h");
        for (uint k = 0; k < 50; k++)
            map.Update(Key(k), Value(k));

        var seen = new List<uint>();
        foreach (var key in map.Keys())
        {
            seen.Add(BitConverter.ToUInt32(key));
            Assert.True(map.Delete(key));
        }

        Assert.Equal(Enumerable.Range(0, 50).Select(i => (uint)i), seen.Order());
        Assert.Empty(map.Keys());
    }

    [Fact]
    public void PerCpuHashReadsOneValuePerPossibleCpu()
    {
        var cpus = BpfMap.PossibleCpuCount;
        Assert.True(cpus >= Environment.ProcessorCount);

        // 4-byte values take an 8-byte slot per CPU.
        using var map = BpfMap.Create(BpfMapType.PerCpuHash, 4, 4, 8, "@percpu");
        Assert.Equal(8 * cpus, map.ValueBufferSize);
        var written = new byte[map.ValueBufferSize];
        for (var cpu = 0; cpu < cpus; cpu++)
            BinaryPrimitives.WriteUInt32LittleEndian(written.AsSpan(cpu * 8), (uint)(100 + cpu));
        map.Update(Key(5), written);

        var read = new byte[map.ValueBufferSize];
        Assert.True(map.Lookup(Key(5), read));
        for (var cpu = 0; cpu < cpus; cpu++)
            Assert.Equal((uint)(100 + cpu), BinaryPrimitives.ReadUInt32LittleEndian(read.AsSpan(cpu * 8)));
    }

    [Fact]
    public void ArrayMapHasEveryIndexAndRefusesDelete()
    {
        using var map = BpfMap.Create(BpfMapType.Array, 4, 8, 4, "@arr");
        map.Update(Key(2), Value(42));

        var value = new byte[8];
        Assert.True(map.Lookup(Key(0), value));
        Assert.Equal(0UL, BitConverter.ToUInt64(value));
        Assert.True(map.Lookup(Key(2), value));
        Assert.Equal(42UL, BitConverter.ToUInt64(value));
        Assert.False(map.Lookup(Key(4), value));
        Assert.Equal([0u, 1u, 2u, 3u], map.Keys().Select(k => BitConverter.ToUInt32(k)));

        var error = Assert.Throws<KernelException>(() => map.Delete(Key(2)));
        Assert.Equal(22, error.Errno);
        Assert.Equal("delete from map @arr: invalid argument", error.Message);
    }

    [Fact]
    public void FrozenMapRefusesUpdatesFromUserSpace()
    {
        using var map = BpfMap.Create(BpfMapType.Array, 4, 8, 1, "@frozen");
        map.Update(Key(0), Value(1));
        map.Freeze();

        var error = Assert.Throws<KernelException>(() => map.Update(Key(0), Value(2)));
        Assert.Equal("update map @frozen: operation not permitted", error.Message);
    }

    [Fact]
    public void CreateFailureSaysWhichMap()
    {
        var error = Assert.Throws<KernelException>(() => BpfMap.Create(BpfMapType.Hash, 0, 8, 1, "@bad"));
        Assert.Equal(22, error.Errno);
        Assert.Equal("create map @bad: invalid argument", error.Message);
    }

    [Fact]
    public void KernelHoldsTheSanitizedName()
    {
        using var map = BpfMap.Create(BpfMapType.Hash, 4, 8, 1, "@a_very-long:map.name");
        var id = map.Id;
        Assert.Contains((id, "_a_very_long_ma"), KernelObjects.LoadedMaps());
    }
}
