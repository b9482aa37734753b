//! pledge(2) and unveil(2). Both restrict only the calling process, so they
//! run in the launcher just before execve. The library is linked without
//! libc (Zig ships none for OpenBSD in this build), so these resolve against
//! the process's libc.so at load time; OpenBSD permits system calls only
//! from libc, so there is no raw-syscall path.
//!
//! execve keeps the unveil list only when execpromises are set: with
//! execpromises NULL the new image starts unveiled-nothing-and-unpledged.
//! The plan therefore always passes execpromises when it unveils.

extern fn pledge(promises: ?[*:0]const u8, execpromises: ?[*:0]const u8) c_int;
extern fn unveil(path: ?[*:0]const u8, permissions: ?[*:0]const u8) c_int;
extern fn __errno() *c_int;

fn status(rc: c_int) i32 {
    if (rc == 0) return 0;
    return -@as(i32, __errno().*);
}

/// A null argument leaves that set unchanged (pledge(2)).
pub fn apply(promises: ?[*:0]const u8, execpromises: ?[*:0]const u8) i32 {
    return status(pledge(promises, execpromises));
}

/// `permissions` is a subset of "rwxc".
pub fn reveal(path: [*:0]const u8, permissions: [*:0]const u8) i32 {
    return status(unveil(path, permissions));
}

/// unveil(NULL, NULL): no further unveil calls, the list is final.
pub fn lock() i32 {
    return status(unveil(null, null));
}
