//! DACL and AccessCheck exports (cordon_windows_acl.h).
const abi = @import("../abi.zig");
const acl = @import("../windows/acl.zig");
const sid = @import("../windows/sid.zig");
const file_info = @import("../windows/file_info.zig");

export fn cordon_windows_acl_set(path: [*:0]u16, sid_bytes: [*]const u8, sid_len: usize, access: u32, mode: u32, inheritance: u32) abi.Status {
    const s = sid.borrowed(sid_bytes[0..sid_len]) orelse return abi.Error.invalid_argument.status();
    return acl.set(path, s, access, mode, inheritance);
}

export fn cordon_windows_access_check(path: [*:0]const u16, token: u64, desired: u32, granted: [*]u8, len: usize) abi.Status {
    if (len < 4) return abi.Error.buffer_too_small.status();
    return acl.check(path, token, desired, @ptrCast(granted));
}

export fn cordon_windows_file_info(path: [*:0]const u16, out: [*]u8, len: usize) abi.Status {
    if (len != @sizeOf(file_info.Info)) return abi.Error.abi_mismatch.status();
    return file_info.info(path, @ptrCast(out));
}

export fn cordon_windows_path_owner(path: [*:0]const u16, out: [*]u8, len: usize) abi.Status {
    return file_info.owner(path, out[0..len]);
}
