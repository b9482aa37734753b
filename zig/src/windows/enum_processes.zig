//! Every process on the system through NtQuerySystemInformation
//! (SystemProcessInformation): one snapshot, no handle to any process needed.
const abi = @import("../abi.zig");
const t = @import("types.zig");
const nt = @import("ntdll.zig");

/// cordon_windows_process_entry: followed by `name_bytes` of UTF-16LE, then
/// padding to 4 bytes.
pub const Entry = extern struct {
    process_id: u32,
    parent_process_id: u32,
    thread_count: u32,
    name_bytes: u32,
};

/// Snapshot into `scratch` (the kernel's records), then compact entries into
/// `out`; returns the bytes written to `out`. A too-small scratch gives
/// STATUS_INFO_LENGTH_MISMATCH; a too-small `out` CORDON_E_BUFFER_TOO_SMALL.
pub fn list(scratch: []u8, out: []u8) abi.Status {
    if (@intFromPtr(scratch.ptr) % 8 != 0 or @intFromPtr(out.ptr) % 4 != 0) return abi.Error.invalid_argument.status();
    const rc = nt.querySystem(nt.SystemProcessInformation, scratch, null);
    if (rc < 0) return rc;
    var in_off: usize = 0;
    var out_off: usize = 0;
    while (true) {
        if (in_off + @sizeOf(t.SYSTEM_PROCESS_INFORMATION) > scratch.len) return abi.Error.record_out_of_bounds.status();
        // Read unaligned: nothing promises 8-byte aligned entries.
        const p: *align(1) const t.SYSTEM_PROCESS_INFORMATION = @ptrCast(scratch.ptr + in_off);
        const name_len: usize = if (p.ImageName.Buffer != null) p.ImageName.Length else 0;
        const need = @sizeOf(Entry) + ((name_len + 3) & ~@as(usize, 3));
        if (out_off + need > out.len) return abi.Error.buffer_too_small.status();
        const e: *align(1) Entry = @ptrCast(out.ptr + out_off);
        e.* = .{
            .process_id = @truncate(@intFromPtr(p.UniqueProcessId)),
            .parent_process_id = @truncate(@intFromPtr(p.InheritedFromUniqueProcessId)),
            .thread_count = p.NumberOfThreads,
            .name_bytes = @intCast(name_len),
        };
        if (name_len > 0) {
            const src: [*]const u8 = @ptrCast(p.ImageName.Buffer.?);
            @memcpy(out[out_off + @sizeOf(Entry) ..][0..name_len], src[0..name_len]);
        }
        out_off += need;
        if (p.NextEntryOffset == 0) break;
        in_off += p.NextEntryOffset;
    }
    return @intCast(out_off);
}
