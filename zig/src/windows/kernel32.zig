//! kernel32.dll externs cordon uses, with MSDN's names and parameter names.
const t = @import("types.zig");
const BOOL = t.BOOL;
const DWORD = t.DWORD;
const HANDLE = t.HANDLE;
const PVOID = t.PVOID;

pub extern "kernel32" fn GetLastError() callconv(.winapi) DWORD;
pub extern "kernel32" fn CloseHandle(hObject: HANDLE) callconv(.winapi) BOOL;
pub extern "kernel32" fn GetCurrentProcess() callconv(.winapi) HANDLE;
pub extern "kernel32" fn GetHandleInformation(hObject: HANDLE, lpdwFlags: *DWORD) callconv(.winapi) BOOL;
pub extern "kernel32" fn SetHandleInformation(hObject: HANDLE, dwMask: DWORD, dwFlags: DWORD) callconv(.winapi) BOOL;
pub extern "kernel32" fn GetModuleHandleW(lpModuleName: t.LPCWSTR) callconv(.winapi) HANDLE;
pub extern "kernel32" fn GetProcAddress(hModule: HANDLE, lpProcName: [*:0]const u8) callconv(.winapi) ?*const anyopaque;

pub extern "kernel32" fn CreatePipe(hReadPipe: *HANDLE, hWritePipe: *HANDLE, lpPipeAttributes: ?*t.SECURITY_ATTRIBUTES, nSize: DWORD) callconv(.winapi) BOOL;
pub extern "kernel32" fn ReadFile(hFile: HANDLE, lpBuffer: [*]u8, nNumberOfBytesToRead: DWORD, lpNumberOfBytesRead: ?*DWORD, lpOverlapped: PVOID) callconv(.winapi) BOOL;
pub extern "kernel32" fn WriteFile(hFile: HANDLE, lpBuffer: [*]const u8, nNumberOfBytesToWrite: DWORD, lpNumberOfBytesWritten: ?*DWORD, lpOverlapped: PVOID) callconv(.winapi) BOOL;

pub extern "kernel32" fn CreateJobObjectW(lpJobAttributes: ?*t.SECURITY_ATTRIBUTES, lpName: t.LPCWSTR) callconv(.winapi) HANDLE;
pub extern "kernel32" fn SetInformationJobObject(hJob: HANDLE, JobObjectInformationClass: t.JOBOBJECTINFOCLASS, lpJobObjectInformation: *const anyopaque, cbJobObjectInformationLength: DWORD) callconv(.winapi) BOOL;
pub extern "kernel32" fn QueryInformationJobObject(hJob: HANDLE, JobObjectInformationClass: t.JOBOBJECTINFOCLASS, lpJobObjectInformation: *anyopaque, cbJobObjectInformationLength: DWORD, lpReturnLength: ?*DWORD) callconv(.winapi) BOOL;
pub extern "kernel32" fn AssignProcessToJobObject(hJob: HANDLE, hProcess: HANDLE) callconv(.winapi) BOOL;
pub extern "kernel32" fn TerminateJobObject(hJob: HANDLE, uExitCode: u32) callconv(.winapi) BOOL;
pub extern "kernel32" fn IsProcessInJob(ProcessHandle: HANDLE, JobHandle: HANDLE, Result: *BOOL) callconv(.winapi) BOOL;

pub extern "kernel32" fn CreateIoCompletionPort(FileHandle: HANDLE, ExistingCompletionPort: HANDLE, CompletionKey: t.ULONG_PTR, NumberOfConcurrentThreads: DWORD) callconv(.winapi) HANDLE;
pub extern "kernel32" fn GetQueuedCompletionStatus(CompletionPort: HANDLE, lpNumberOfBytesTransferred: *DWORD, lpCompletionKey: *t.ULONG_PTR, lpOverlapped: *PVOID, dwMilliseconds: DWORD) callconv(.winapi) BOOL;
pub extern "kernel32" fn PostQueuedCompletionStatus(CompletionPort: HANDLE, dwNumberOfBytesTransferred: DWORD, dwCompletionKey: t.ULONG_PTR, lpOverlapped: PVOID) callconv(.winapi) BOOL;

pub extern "kernel32" fn InitializeProcThreadAttributeList(lpAttributeList: PVOID, dwAttributeCount: DWORD, dwFlags: DWORD, lpSize: *t.SIZE_T) callconv(.winapi) BOOL;
pub extern "kernel32" fn UpdateProcThreadAttribute(lpAttributeList: PVOID, dwFlags: DWORD, Attribute: t.ULONG_PTR, lpValue: *const anyopaque, cbSize: t.SIZE_T, lpPreviousValue: PVOID, lpReturnSize: ?*t.SIZE_T) callconv(.winapi) BOOL;
pub extern "kernel32" fn DeleteProcThreadAttributeList(lpAttributeList: PVOID) callconv(.winapi) void;
pub extern "kernel32" fn CreateProcessW(
    lpApplicationName: t.LPCWSTR,
    lpCommandLine: t.LPWSTR,
    lpProcessAttributes: ?*t.SECURITY_ATTRIBUTES,
    lpThreadAttributes: ?*t.SECURITY_ATTRIBUTES,
    bInheritHandles: BOOL,
    dwCreationFlags: DWORD,
    lpEnvironment: PVOID,
    lpCurrentDirectory: t.LPCWSTR,
    lpStartupInfo: *t.STARTUPINFOW,
    lpProcessInformation: *t.PROCESS_INFORMATION,
) callconv(.winapi) BOOL;
pub extern "kernel32" fn ResumeThread(hThread: HANDLE) callconv(.winapi) DWORD;
pub extern "kernel32" fn TerminateProcess(hProcess: HANDLE, uExitCode: u32) callconv(.winapi) BOOL;
pub extern "kernel32" fn WaitForSingleObject(hHandle: HANDLE, dwMilliseconds: DWORD) callconv(.winapi) DWORD;
pub extern "kernel32" fn GetExitCodeProcess(hProcess: HANDLE, lpExitCode: *DWORD) callconv(.winapi) BOOL;
pub extern "kernel32" fn GetProcessMitigationPolicy(hProcess: HANDLE, MitigationPolicy: i32, lpBuffer: *anyopaque, dwLength: t.SIZE_T) callconv(.winapi) BOOL;
pub extern "kernel32" fn OpenProcess(dwDesiredAccess: DWORD, bInheritHandle: BOOL, dwProcessId: DWORD) callconv(.winapi) HANDLE;
pub extern "kernel32" fn LocalFree(hMem: PVOID) callconv(.winapi) PVOID;
pub extern "kernel32" fn GetProcessHeap() callconv(.winapi) HANDLE;
pub extern "kernel32" fn HeapAlloc(hHeap: HANDLE, dwFlags: DWORD, dwBytes: t.SIZE_T) callconv(.winapi) PVOID;
pub extern "kernel32" fn HeapFree(hHeap: HANDLE, dwFlags: DWORD, lpMem: PVOID) callconv(.winapi) BOOL;
pub extern "kernel32" fn LoadLibraryExW(lpLibFileName: [*:0]const u16, hFile: HANDLE, dwFlags: DWORD) callconv(.winapi) HANDLE;
pub extern "kernel32" fn GetStdHandle(nStdHandle: DWORD) callconv(.winapi) HANDLE;
pub extern "kernel32" fn DuplicateHandle(hSourceProcessHandle: HANDLE, hSourceHandle: HANDLE, hTargetProcessHandle: HANDLE, lpTargetHandle: *HANDLE, dwDesiredAccess: DWORD, bInheritHandle: BOOL, dwOptions: DWORD) callconv(.winapi) BOOL;
pub extern "kernel32" fn CreateFileW(lpFileName: [*:0]const u16, dwDesiredAccess: DWORD, dwShareMode: DWORD, lpSecurityAttributes: ?*t.SECURITY_ATTRIBUTES, dwCreationDisposition: DWORD, dwFlagsAndAttributes: DWORD, hTemplateFile: HANDLE) callconv(.winapi) HANDLE;
pub extern "kernel32" fn PeekNamedPipe(hNamedPipe: HANDLE, lpBuffer: ?*anyopaque, nBufferSize: DWORD, lpBytesRead: ?*DWORD, lpTotalBytesAvail: ?*DWORD, lpBytesLeftThisMessage: ?*DWORD) callconv(.winapi) BOOL;
pub extern "kernel32" fn GetCurrentThread() callconv(.winapi) HANDLE;
pub extern "kernel32" fn GetProcessId(Process: HANDLE) callconv(.winapi) DWORD;
pub extern "kernel32" fn CreateDirectoryW(lpPathName: [*:0]const u16, lpSecurityAttributes: ?*t.SECURITY_ATTRIBUTES) callconv(.winapi) BOOL;
pub extern "kernel32" fn GetFileAttributesExW(lpFileName: [*:0]const u16, fInfoLevelId: i32, lpFileInformation: *t.WIN32_FILE_ATTRIBUTE_DATA) callconv(.winapi) BOOL;
pub extern "kernel32" fn FindFirstFileW(lpFileName: [*:0]const u16, lpFindFileData: *t.WIN32_FIND_DATAW) callconv(.winapi) HANDLE;
pub extern "kernel32" fn FindClose(hFindFile: HANDLE) callconv(.winapi) BOOL;
pub extern "kernel32" fn Sleep(dwMilliseconds: DWORD) callconv(.winapi) void;
pub extern "kernel32" fn SetLastError(dwErrCode: DWORD) callconv(.winapi) void;
