//! Capsicum: capability mode (cap_enter) and per-descriptor rights
//! (cap_rights_limit). In capability mode global namespaces are gone: no
//! open by path, no connect/bind to addresses, and exec only via fexecve of a
//! descriptor; so an unmodified program cannot be started in it, only
//! programs written for it (or a launcher that pre-opens what they need).

extern fn cap_enter() c_int;
extern fn cap_getmode(mode: *c_uint) c_int;
extern fn cap_rights_limit(fd: c_int, rights: *const CapRights) c_int;
extern fn __cap_rights_init(version: c_int, rights: *CapRights, ...) *CapRights;
extern fn __cap_rights_set(rights: *CapRights, ...) *CapRights;

const errno = @import("../bsd/errno.zig");

/// cap_rights_t, CAP_RIGHTS_VERSION 0: two words.
const CapRights = extern struct { cr_rights: [2]u64 };
const CAP_RIGHTS_VERSION: c_int = 0;

fn capright(idx: u6, bit: u64) u64 {
    return (@as(u64, 1) << (57 + idx)) | bit;
}

/// cordon's rights bits (CORDON_FREEBSD_RIGHT_* in the header) → <sys/capsicum.h> rights.
pub const rights_table = [_]u64{
    capright(0, 0x1), // READ
    capright(0, 0x2), // WRITE
    capright(0, 0x4 | 0x8), // SEEK (with SEEK_TELL)
    capright(0, 0x80000), // FSTAT
    capright(1, 0x20), // EVENT: poll/kevent
    capright(0, 0x8000), // FCNTL
    capright(1, 0x80), // IOCTL
    capright(0, 0x10), // MMAP
};

pub fn enter() i32 {
    return errno.status(cap_enter());
}

/// 1 in capability mode, 0 outside.
pub fn getMode() i32 {
    var mode: c_uint = 0;
    const rc = errno.status(cap_getmode(&mode));
    if (rc < 0) return rc;
    return @intFromBool(mode != 0);
}

/// Limits `fd` to the cordon rights in `mask`.
pub fn limit(fd: i32, mask: u32) i32 {
    var r: CapRights = undefined;
    _ = __cap_rights_init(CAP_RIGHTS_VERSION, &r, @as(u64, 0));
    for (rights_table, 0..) |right, bit| {
        if (mask & (@as(u32, 1) << @intCast(bit)) != 0) _ = __cap_rights_set(&r, right, @as(u64, 0));
    }
    return errno.status(cap_rights_limit(fd, &r));
}
