//! Process and handle enumeration exports (cordon_windows_process.h).
const abi = @import("../abi.zig");
const t = @import("../windows/types.zig");
const enum_processes = @import("../windows/enum_processes.zig");
const handles = @import("../windows/handles.zig");

export fn cordon_windows_process_list(scratch: [*]u8, scratch_len: usize, out: [*]u8, out_len: usize) abi.Status {
    return enum_processes.list(scratch[0..scratch_len], out[0..out_len]);
}

export fn cordon_windows_process_handles(process: u64, scratch: [*]u8, scratch_len: usize, out: [*]u8, out_len: usize) abi.Status {
    return handles.list(t.handle(process), scratch[0..scratch_len], out[0..out_len]);
}

export fn cordon_windows_handle_same_object(process: u64, value: u64, own: u64) abi.Status {
    return handles.sameObject(t.handle(process), value, t.handle(own));
}
