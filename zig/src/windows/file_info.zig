//! What a path is before a grant is put on it: its attributes
//! (GetFileAttributesExW) and, for a reparse point, its tag — a junction or
//! symbolic link would carry the grant to whatever it points at — and who
//! owns it.
const abi = @import("../abi.zig");
const t = @import("types.zig");
const k32 = @import("kernel32.zig");
const adv = @import("advapi32.zig");
const st = @import("status.zig");
const sid = @import("sid.zig");

/// cordon_windows_file_info in cordon_windows_acl.h.
pub const Info = extern struct {
    attributes: u32,
    /// IO_REPARSE_TAG_* when attributes has FILE_ATTRIBUTE_REPARSE_POINT, else 0.
    reparse_tag: u32,
};

const GetFileExInfoStandard: i32 = 0;

pub fn info(path: [*:0]const u16, out: *align(1) Info) abi.Status {
    var data: t.WIN32_FILE_ATTRIBUTE_DATA = undefined;
    if (k32.GetFileAttributesExW(path, GetFileExInfoStandard, &data) == 0) return st.lastError();
    out.* = .{ .attributes = data.dwFileAttributes, .reparse_tag = 0 };
    if (data.dwFileAttributes & t.FILE_ATTRIBUTE_REPARSE_POINT == 0) return 0;
    // Only the directory-listing call reports the tag; it names the entry itself, not its target.
    var find: t.WIN32_FIND_DATAW = undefined;
    const h = k32.FindFirstFileW(path, &find);
    if (h == t.INVALID_HANDLE_VALUE or h == null) return st.lastError();
    _ = k32.FindClose(h);
    out.reparse_tag = find.dwReserved0;
    return 0;
}

const SE_FILE_OBJECT: i32 = 1;
const OWNER_SECURITY_INFORMATION: u32 = 0x1;

/// The owner SID of `path`, copied into `out`; returns its length.
pub fn owner(path: [*:0]const u16, out: []u8) abi.Status {
    var owner_sid: t.PSID = null;
    var sd: t.PVOID = null;
    const rc = adv.GetNamedSecurityInfoW(path, SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION, &owner_sid, null, null, null, &sd);
    if (rc != 0) return -@as(abi.Status, @intCast(rc & 0x7FFF_FFFF));
    defer _ = k32.LocalFree(sd);
    return sid.copyOut(owner_sid, out);
}

comptime {
    if (@sizeOf(Info) != 8) @compileError("file info drifted from cordon_windows_acl.h");
}
