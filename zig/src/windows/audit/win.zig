//! The externs of the audit probe only (user32, ws2_32, registry, credentials,
//! service manager): cordon's library never links them. Names as on MSDN.
const t = @import("../types.zig");
const BOOL = t.BOOL;
const DWORD = t.DWORD;
const HANDLE = t.HANDLE;
const PVOID = t.PVOID;
const LPCWSTR = t.LPCWSTR;

pub const HKEY = ?*anyopaque;
pub const HKEY_CURRENT_USER: HKEY = @ptrFromInt(0x8000_0001);
pub const HKEY_LOCAL_MACHINE: HKEY = @ptrFromInt(0x8000_0002);
pub const KEY_READ: DWORD = 0x20019;
pub const KEY_WRITE: DWORD = 0x20006;
pub const REG_SZ: DWORD = 1;

pub extern "advapi32" fn RegCreateKeyExW(hKey: HKEY, lpSubKey: LPCWSTR, Reserved: DWORD, lpClass: ?[*:0]u16, dwOptions: DWORD, samDesired: DWORD, lpSecurityAttributes: ?*t.SECURITY_ATTRIBUTES, phkResult: *HKEY, lpdwDisposition: ?*DWORD) callconv(.winapi) i32;
pub extern "advapi32" fn RegOpenKeyExW(hKey: HKEY, lpSubKey: LPCWSTR, ulOptions: DWORD, samDesired: DWORD, phkResult: *HKEY) callconv(.winapi) i32;
pub extern "advapi32" fn RegSetValueExW(hKey: HKEY, lpValueName: LPCWSTR, Reserved: DWORD, dwType: DWORD, lpData: [*]const u8, cbData: DWORD) callconv(.winapi) i32;
pub extern "advapi32" fn RegQueryValueExW(hKey: HKEY, lpValueName: LPCWSTR, lpReserved: ?*DWORD, lpType: ?*DWORD, lpData: ?[*]u8, lpcbData: ?*DWORD) callconv(.winapi) i32;
pub extern "advapi32" fn RegDeleteKeyW(hKey: HKEY, lpSubKey: LPCWSTR) callconv(.winapi) i32;
pub extern "advapi32" fn RegCloseKey(hKey: HKEY) callconv(.winapi) i32;

pub const CRED_TYPE_GENERIC: DWORD = 1;
pub const CRED_PERSIST_SESSION: DWORD = 1;
pub const CREDENTIALW = extern struct {
    Flags: DWORD = 0,
    Type: DWORD,
    TargetName: ?[*:0]u16,
    Comment: ?[*:0]u16 = null,
    LastWritten: t.FILETIME = .{ .dwLowDateTime = 0, .dwHighDateTime = 0 },
    CredentialBlobSize: DWORD,
    CredentialBlob: ?[*]u8,
    Persist: DWORD,
    AttributeCount: DWORD = 0,
    Attributes: PVOID = null,
    TargetAlias: ?[*:0]u16 = null,
    UserName: ?[*:0]u16 = null,
};
pub extern "advapi32" fn CredWriteW(Credential: *const CREDENTIALW, Flags: DWORD) callconv(.winapi) BOOL;
pub extern "advapi32" fn CredReadW(TargetName: LPCWSTR, Type: DWORD, Flags: DWORD, Credential: **CREDENTIALW) callconv(.winapi) BOOL;
pub extern "advapi32" fn CredDeleteW(TargetName: LPCWSTR, Type: DWORD, Flags: DWORD) callconv(.winapi) BOOL;
pub extern "advapi32" fn CredFree(Buffer: PVOID) callconv(.winapi) void;

pub const SC_MANAGER_CREATE_SERVICE: DWORD = 0x2;
pub extern "advapi32" fn OpenSCManagerW(lpMachineName: LPCWSTR, lpDatabaseName: LPCWSTR, dwDesiredAccess: DWORD) callconv(.winapi) HANDLE;
pub extern "advapi32" fn CloseServiceHandle(hSCObject: HANDLE) callconv(.winapi) BOOL;

pub extern "kernel32" fn CreateMutexW(lpMutexAttributes: ?*t.SECURITY_ATTRIBUTES, bInitialOwner: BOOL, lpName: LPCWSTR) callconv(.winapi) HANDLE;
pub extern "kernel32" fn OpenMutexW(dwDesiredAccess: DWORD, bInheritHandle: BOOL, lpName: LPCWSTR) callconv(.winapi) HANDLE;
pub extern "kernel32" fn GlobalAddAtomW(lpString: LPCWSTR) callconv(.winapi) u16;
pub extern "kernel32" fn GlobalFindAtomW(lpString: LPCWSTR) callconv(.winapi) u16;
pub extern "kernel32" fn GlobalDeleteAtom(nAtom: u16) callconv(.winapi) u16;
pub extern "kernel32" fn GlobalAlloc(uFlags: u32, dwBytes: usize) callconv(.winapi) HANDLE;
pub extern "kernel32" fn GlobalLock(hMem: HANDLE) callconv(.winapi) PVOID;
pub extern "kernel32" fn GlobalUnlock(hMem: HANDLE) callconv(.winapi) BOOL;
pub extern "kernel32" fn GetEnvironmentVariableW(lpName: LPCWSTR, lpBuffer: ?[*]u16, nSize: DWORD) callconv(.winapi) DWORD;
pub extern "kernel32" fn GetCurrentProcessId() callconv(.winapi) DWORD;
pub extern "kernel32" fn CreateThread(lpThreadAttributes: ?*t.SECURITY_ATTRIBUTES, dwStackSize: usize, lpStartAddress: *const fn (?*anyopaque) callconv(.winapi) DWORD, lpParameter: ?*anyopaque, dwCreationFlags: DWORD, lpThreadId: ?*DWORD) callconv(.winapi) HANDLE;
pub extern "kernel32" fn CreateNamedPipeW(lpName: [*:0]const u16, dwOpenMode: DWORD, dwPipeMode: DWORD, nMaxInstances: DWORD, nOutBufferSize: DWORD, nInBufferSize: DWORD, nDefaultTimeOut: DWORD, lpSecurityAttributes: ?*t.SECURITY_ATTRIBUTES) callconv(.winapi) HANDLE;
pub extern "kernel32" fn ConnectNamedPipe(hNamedPipe: HANDLE, lpOverlapped: PVOID) callconv(.winapi) BOOL;
pub extern "kernel32" fn DisconnectNamedPipe(hNamedPipe: HANDLE) callconv(.winapi) BOOL;
pub extern "kernel32" fn ExitProcess(uExitCode: u32) callconv(.winapi) noreturn;
pub extern "kernel32" fn DeleteFileW(lpFileName: [*:0]const u16) callconv(.winapi) BOOL;

pub const HWND = ?*anyopaque;
pub const WNDPROC = *const fn (HWND, u32, usize, isize) callconv(.winapi) isize;
pub const WNDCLASSW = extern struct {
    style: u32 = 0,
    lpfnWndProc: WNDPROC,
    cbClsExtra: i32 = 0,
    cbWndExtra: i32 = 0,
    hInstance: HANDLE = null,
    hIcon: HANDLE = null,
    hCursor: HANDLE = null,
    hbrBackground: HANDLE = null,
    lpszMenuName: LPCWSTR = null,
    lpszClassName: [*:0]const u16,
};
pub const MSG = extern struct { hwnd: HWND, message: u32, wParam: usize, lParam: isize, time: DWORD, pt: [2]i32, lPrivate: DWORD };
pub const WM_APP: u32 = 0x8000;
pub const SMTO_ABORTIFHUNG: u32 = 0x2;
pub const CF_UNICODETEXT: u32 = 13;

pub extern "user32" fn RegisterClassW(lpWndClass: *const WNDCLASSW) callconv(.winapi) u16;
pub extern "user32" fn CreateWindowExW(dwExStyle: DWORD, lpClassName: [*:0]const u16, lpWindowName: LPCWSTR, dwStyle: DWORD, X: i32, Y: i32, nWidth: i32, nHeight: i32, hWndParent: HWND, hMenu: HANDLE, hInstance: HANDLE, lpParam: PVOID) callconv(.winapi) HWND;
pub extern "user32" fn DefWindowProcW(hWnd: HWND, Msg: u32, wParam: usize, lParam: isize) callconv(.winapi) isize;
pub extern "user32" fn GetMessageW(lpMsg: *MSG, hWnd: HWND, wMsgFilterMin: u32, wMsgFilterMax: u32) callconv(.winapi) BOOL;
pub extern "user32" fn DispatchMessageW(lpMsg: *const MSG) callconv(.winapi) isize;
pub extern "user32" fn FindWindowW(lpClassName: LPCWSTR, lpWindowName: LPCWSTR) callconv(.winapi) HWND;
pub extern "user32" fn SendMessageTimeoutW(hWnd: HWND, Msg: u32, wParam: usize, lParam: isize, fuFlags: u32, uTimeout: u32, lpdwResult: ?*usize) callconv(.winapi) isize;
pub extern "user32" fn OpenClipboard(hWndNewOwner: HWND) callconv(.winapi) BOOL;
pub extern "user32" fn CloseClipboard() callconv(.winapi) BOOL;
pub extern "user32" fn EmptyClipboard() callconv(.winapi) BOOL;
pub extern "user32" fn GetClipboardData(uFormat: u32) callconv(.winapi) HANDLE;
pub extern "user32" fn SetClipboardData(uFormat: u32, hMem: HANDLE) callconv(.winapi) HANDLE;

pub const SOCKET = usize;
pub const INVALID_SOCKET: SOCKET = ~@as(usize, 0);
pub const AF_INET: i32 = 2;
pub const SOCK_STREAM: i32 = 1;
pub const sockaddr_in = extern struct { family: u16 = 2, port: u16, addr: u32, zero: [8]u8 = @splat(0) };
pub const WSADATA = extern struct { data: [408]u8 };
pub extern "ws2_32" fn WSAStartup(wVersionRequested: u16, lpWSAData: *WSADATA) callconv(.winapi) i32;
pub extern "ws2_32" fn WSAGetLastError() callconv(.winapi) i32;
pub extern "ws2_32" fn socket(af: i32, kind: i32, protocol: i32) callconv(.winapi) SOCKET;
pub extern "ws2_32" fn bind(s: SOCKET, name: *const sockaddr_in, namelen: i32) callconv(.winapi) i32;
pub extern "ws2_32" fn listen(s: SOCKET, backlog: i32) callconv(.winapi) i32;
pub extern "ws2_32" fn accept(s: SOCKET, addr: ?*sockaddr_in, addrlen: ?*i32) callconv(.winapi) SOCKET;
pub extern "ws2_32" fn connect(s: SOCKET, name: *const sockaddr_in, namelen: i32) callconv(.winapi) i32;
pub extern "ws2_32" fn getsockname(s: SOCKET, name: *sockaddr_in, namelen: *i32) callconv(.winapi) i32;
pub extern "ws2_32" fn closesocket(s: SOCKET) callconv(.winapi) i32;
pub extern "ws2_32" fn setsockopt(s: SOCKET, level: i32, optname: i32, optval: [*]const u8, optlen: i32) callconv(.winapi) i32;
pub extern "ws2_32" fn ioctlsocket(s: SOCKET, cmd: i32, argp: *u32) callconv(.winapi) i32;
pub extern "ws2_32" fn select(nfds: i32, readfds: ?*fd_set, writefds: ?*fd_set, exceptfds: ?*fd_set, timeout: ?*const timeval) callconv(.winapi) i32;
pub extern "ws2_32" fn getsockopt(s: SOCKET, level: i32, optname: i32, optval: [*]u8, optlen: *i32) callconv(.winapi) i32;
pub const fd_set = extern struct { fd_count: u32, fd_array: [64]SOCKET };
pub const timeval = extern struct { tv_sec: i32, tv_usec: i32 };
pub const FIONBIO: i32 = @bitCast(@as(u32, 0x8004667E));
pub const WSAEWOULDBLOCK: i32 = 10035;
pub const SOL_SOCKET: i32 = 0xFFFF;
pub const SO_ERROR: i32 = 0x1007;
