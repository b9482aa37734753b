//! advapi32.dll externs cordon uses: tokens, SIDs, security descriptors.
const t = @import("types.zig");
const BOOL = t.BOOL;
const DWORD = t.DWORD;
const HANDLE = t.HANDLE;
const PVOID = t.PVOID;

pub extern "advapi32" fn CreateProcessAsUserW(
    hToken: HANDLE,
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

pub const SID_IDENTIFIER_AUTHORITY = extern struct { Value: [6]u8 };
pub const GENERIC_MAPPING = extern struct { GenericRead: DWORD, GenericWrite: DWORD, GenericExecute: DWORD, GenericAll: DWORD };
pub const TRUSTEE_W = extern struct {
    pMultipleTrustee: ?*TRUSTEE_W = null,
    MultipleTrusteeOperation: i32 = 0, // NO_MULTIPLE_TRUSTEE
    TrusteeForm: i32, // TRUSTEE_IS_SID = 0
    TrusteeType: i32 = 0, // TRUSTEE_IS_UNKNOWN
    ptstrName: PVOID,
};
pub const EXPLICIT_ACCESS_W = extern struct {
    grfAccessPermissions: DWORD,
    grfAccessMode: i32,
    grfInheritance: DWORD,
    Trustee: TRUSTEE_W,
};

pub extern "advapi32" fn OpenProcessToken(ProcessHandle: HANDLE, DesiredAccess: DWORD, TokenHandle: *HANDLE) callconv(.winapi) BOOL;
pub extern "advapi32" fn CreateRestrictedToken(ExistingTokenHandle: HANDLE, Flags: DWORD, DisableSidCount: DWORD, SidsToDisable: ?*t.SID_AND_ATTRIBUTES, DeletePrivilegeCount: DWORD, PrivilegesToDelete: PVOID, RestrictedSidCount: DWORD, SidsToRestrict: ?*t.SID_AND_ATTRIBUTES, NewTokenHandle: *HANDLE) callconv(.winapi) BOOL;
pub extern "advapi32" fn SetTokenInformation(TokenHandle: HANDLE, TokenInformationClass: i32, TokenInformation: *const anyopaque, TokenInformationLength: DWORD) callconv(.winapi) BOOL;
pub extern "advapi32" fn GetTokenInformation(TokenHandle: HANDLE, TokenInformationClass: i32, TokenInformation: PVOID, TokenInformationLength: DWORD, ReturnLength: *DWORD) callconv(.winapi) BOOL;
pub extern "advapi32" fn IsTokenRestricted(TokenHandle: HANDLE) callconv(.winapi) BOOL;
pub extern "advapi32" fn DuplicateTokenEx(hExistingToken: HANDLE, dwDesiredAccess: DWORD, lpTokenAttributes: ?*t.SECURITY_ATTRIBUTES, ImpersonationLevel: i32, TokenType: i32, phNewToken: *HANDLE) callconv(.winapi) BOOL;
pub extern "advapi32" fn ImpersonateLoggedOnUser(hToken: HANDLE) callconv(.winapi) BOOL;
pub extern "advapi32" fn RevertToSelf() callconv(.winapi) BOOL;
pub extern "advapi32" fn OpenThreadToken(ThreadHandle: HANDLE, DesiredAccess: DWORD, OpenAsSelf: BOOL, TokenHandle: *HANDLE) callconv(.winapi) BOOL;
pub extern "advapi32" fn LogonUserW(lpszUsername: t.LPCWSTR, lpszDomain: t.LPCWSTR, lpszPassword: t.LPCWSTR, dwLogonType: DWORD, dwLogonProvider: DWORD, phToken: *HANDLE) callconv(.winapi) BOOL;

pub extern "advapi32" fn AllocateAndInitializeSid(pIdentifierAuthority: *const SID_IDENTIFIER_AUTHORITY, nSubAuthorityCount: u8, nSubAuthority0: DWORD, nSubAuthority1: DWORD, nSubAuthority2: DWORD, nSubAuthority3: DWORD, nSubAuthority4: DWORD, nSubAuthority5: DWORD, nSubAuthority6: DWORD, nSubAuthority7: DWORD, pSid: *t.PSID) callconv(.winapi) BOOL;
pub extern "advapi32" fn FreeSid(pSid: t.PSID) callconv(.winapi) PVOID;
pub extern "advapi32" fn GetLengthSid(pSid: t.PSID) callconv(.winapi) DWORD;
pub extern "advapi32" fn CopySid(nDestinationSidLength: DWORD, pDestinationSid: t.PSID, pSourceSid: t.PSID) callconv(.winapi) BOOL;
pub extern "advapi32" fn EqualSid(pSid1: t.PSID, pSid2: t.PSID) callconv(.winapi) BOOL;
pub extern "advapi32" fn IsValidSid(pSid: t.PSID) callconv(.winapi) BOOL;
pub extern "advapi32" fn GetSidSubAuthority(pSid: t.PSID, nSubAuthority: DWORD) callconv(.winapi) *DWORD;
pub extern "advapi32" fn GetSidSubAuthorityCount(pSid: t.PSID) callconv(.winapi) *u8;
pub extern "advapi32" fn ConvertStringSidToSidW(StringSid: t.LPCWSTR, Sid: *t.PSID) callconv(.winapi) BOOL;
pub extern "advapi32" fn ConvertStringSecurityDescriptorToSecurityDescriptorW(StringSecurityDescriptor: t.LPCWSTR, StringSDRevision: DWORD, SecurityDescriptor: *PVOID, SecurityDescriptorSize: ?*t.ULONG) callconv(.winapi) BOOL;
pub extern "advapi32" fn LookupAccountNameW(lpSystemName: t.LPCWSTR, lpAccountName: t.LPCWSTR, Sid: t.PSID, cbSid: *DWORD, ReferencedDomainName: ?[*]u16, cchReferencedDomainName: *DWORD, peUse: *i32) callconv(.winapi) BOOL;

pub extern "advapi32" fn GetNamedSecurityInfoW(pObjectName: t.LPCWSTR, ObjectType: i32, SecurityInfo: DWORD, ppsidOwner: ?*t.PSID, ppsidGroup: ?*t.PSID, ppDacl: ?*PVOID, ppSacl: ?*PVOID, ppSecurityDescriptor: ?*PVOID) callconv(.winapi) DWORD;
pub extern "advapi32" fn SetNamedSecurityInfoW(pObjectName: t.LPWSTR, ObjectType: i32, SecurityInfo: DWORD, psidOwner: t.PSID, psidGroup: t.PSID, pDacl: PVOID, pSacl: PVOID) callconv(.winapi) DWORD;
pub extern "advapi32" fn SetEntriesInAclW(cCountOfExplicitEntries: t.ULONG, pListOfExplicitEntries: *const EXPLICIT_ACCESS_W, OldAcl: PVOID, NewAcl: *PVOID) callconv(.winapi) DWORD;
pub extern "advapi32" fn AccessCheck(pSecurityDescriptor: PVOID, ClientToken: HANDLE, DesiredAccess: DWORD, GenericMapping: *const GENERIC_MAPPING, PrivilegeSet: *anyopaque, PrivilegeSetLength: *DWORD, GrantedAccess: *DWORD, AccessStatus: *BOOL) callconv(.winapi) BOOL;
pub extern "advapi32" fn MapGenericMask(AccessMask: *DWORD, GenericMapping: *const GENERIC_MAPPING) callconv(.winapi) void;
