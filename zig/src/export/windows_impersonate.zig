//! Impersonation exports (cordon_windows_impersonate.h): each call enters and
//! leaves impersonation itself, so the calling thread never stays impersonating.
const abi = @import("../abi.zig");
const t = @import("../windows/types.zig");
const imp = @import("../windows/impersonate.zig");

export fn cordon_windows_access_check_as(token: u64, path: [*:0]const u16, desired: u32, out: [*]u8, len: usize) abi.Status {
    if (len != @sizeOf(imp.AccessAs)) return abi.Error.abi_mismatch.status();
    return imp.accessCheckAs(t.handle(token), path, desired, @ptrCast(out));
}

export fn cordon_windows_create_directory_as(token: u64, path: [*:0]const u16) abi.Status {
    return imp.createDirectoryAs(t.handle(token), path);
}

export fn cordon_windows_thread_impersonating() abi.Status {
    return imp.threadImpersonating();
}
