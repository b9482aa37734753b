//! Windows exports, one file per mechanism: argument decoding and status
//! encoding only; the mechanisms live in ../windows/. Win32-layer failures
//! are -GetLastError(), NT-layer failures the NTSTATUS itself.
//! HANDLEs cross the boundary as u64.
comptime {
    _ = @import("windows_core.zig");
    _ = @import("windows_job.zig");
    _ = @import("windows_spawn.zig");
    _ = @import("windows_process.zig");
    _ = @import("windows_token.zig");
    _ = @import("windows_acl.zig");
    _ = @import("windows_user.zig");
    _ = @import("windows_wfp.zig");
    _ = @import("windows_impersonate.zig");
}
