//! Process enumeration exports (cordon_windows_process.h).
const abi = @import("../abi.zig");
const enum_processes = @import("../windows/enum_processes.zig");

export fn cordon_windows_process_list(scratch: [*]u8, scratch_len: usize, out: [*]u8, out_len: usize) abi.Status {
    return enum_processes.list(scratch[0..scratch_len], out[0..out_len]);
}
