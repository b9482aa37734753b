//! bcryptprimitives.dll for running Bun's Windows build under Wine 8, whose
//! Wine lacks that DLL. Bun imports exactly one function from it, ProcessPrng;
//! this one fills the buffer from advapi32's RtlGenRandom (SystemFunction036).
//! Test tooling only: never shipped, never loaded on real Windows.

extern "advapi32" fn SystemFunction036(RandomBuffer: [*]u8, RandomBufferLength: u32) callconv(.winapi) u8;

/// BOOL ProcessPrng(PBYTE pbData, SIZE_T cbData): always TRUE on Windows;
/// here FALSE only if the underlying generator fails.
export fn ProcessPrng(pbData: [*]u8, cbData: usize) callconv(.winapi) i32 {
    var done: usize = 0;
    while (done < cbData) {
        const n: u32 = @intCast(@min(cbData - done, 0x1000_0000));
        if (SystemFunction036(pbData + done, n) == 0) return 0;
        done += n;
    }
    return 1;
}
