//! netapi32.dll externs: local user accounts. Results are NET_API_STATUS
//! (a Win32 error or an NERR_* code).
const t = @import("types.zig");
const DWORD = t.DWORD;

pub const USER_INFO_1 = extern struct {
    usri1_name: t.LPWSTR,
    usri1_password: t.LPWSTR,
    usri1_password_age: DWORD = 0,
    usri1_priv: DWORD,
    usri1_home_dir: t.LPWSTR = null,
    usri1_comment: t.LPWSTR = null,
    usri1_flags: DWORD,
    usri1_script_path: t.LPWSTR = null,
};
pub const USER_INFO_1003 = extern struct { usri1003_password: t.LPWSTR };
pub const USER_INFO_1008 = extern struct { usri1008_flags: DWORD };

pub const USER_PRIV_USER: DWORD = 1;
pub const UF_SCRIPT: DWORD = 0x1;
pub const UF_DONT_EXPIRE_PASSWD: DWORD = 0x10000;
pub const NERR_UserNotFound: DWORD = 2221;

pub extern "netapi32" fn NetUserAdd(servername: t.LPCWSTR, level: DWORD, buf: *const anyopaque, parm_err: ?*DWORD) callconv(.winapi) DWORD;
pub extern "netapi32" fn NetUserGetInfo(servername: t.LPCWSTR, username: t.LPCWSTR, level: DWORD, bufptr: *?*anyopaque) callconv(.winapi) DWORD;
pub extern "netapi32" fn NetUserSetInfo(servername: t.LPCWSTR, username: t.LPCWSTR, level: DWORD, buf: *const anyopaque, parm_err: ?*DWORD) callconv(.winapi) DWORD;
pub extern "netapi32" fn NetUserDel(servername: t.LPCWSTR, username: t.LPCWSTR) callconv(.winapi) DWORD;
pub extern "netapi32" fn NetApiBufferFree(Buffer: ?*anyopaque) callconv(.winapi) DWORD;
