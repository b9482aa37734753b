//! How Windows results become cordon statuses (see ffi/include/cordon.h):
//! Win32-layer calls give -GetLastError(), NT-layer calls the NTSTATUS itself.
const abi = @import("../abi.zig");
const k32 = @import("kernel32.zig");

/// -GetLastError(); never 0, so a failure can't read as success.
pub fn lastError() abi.Status {
    const e = k32.GetLastError();
    if (e == 0) return -1;
    return -@as(abi.Status, @intCast(e & 0x7FFF_FFFF));
}

/// 0 on TRUE, -GetLastError() on FALSE.
pub fn fromBool(ok: i32) abi.Status {
    return if (ok != 0) 0 else lastError();
}
