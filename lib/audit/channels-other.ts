// The audit's channel lists for Windows and macOS: the ways a sandboxed
// process could reach state outside its grants there, with what cordon's
// backend uses against each (by the error the probe saw) and what else would
// close it. Pure data. On Windows `cordon audit` probes each row
// (./windows.ts, the probe program zig/src/windows/audit/); rows with a
// receipt are reachable only if the outside saw the probe arrive. The macOS
// rows are listed, not yet probed.
import { by } from "./blocker.ts";
import type { Channel } from "./channels.ts";

const win = (c: Omit<Channel, "os">): Channel => ({ os: "win32", ...c });
const mac = (c: Omit<Channel, "os">): Channel => ({ os: "darwin", ...c });

const APPCONTAINER = "AppContainer (its own object namespace and ACLs)";
const LOW_IL = "low integrity level (no write up)";
const UILIMIT = "job UI restrictions";

export const windowsChannels: readonly Channel[] = [
  win({ id: "win.named-objects", class: "N", title: "open or create named mutexes, events, semaphores and sections in the session's namespace (Local\\)", persistent: false, blockedBy: { ERROR_FILE_NOT_FOUND: by(`${APPCONTAINER}: the name is not there`, "appcontainer"), ERROR_ACCESS_DENIED: by(APPCONTAINER, "appcontainer") }, closeWith: "AppContainer or a restricted token with a private object directory" }),
  win({ id: "win.named-pipes", class: "N", title: "connect to another process's named pipe (\\\\.\\pipe\\...)", persistent: false, receipt: "found", blockedBy: { ERROR_ACCESS_DENIED: by(APPCONTAINER, "appcontainer") }, closeWith: "AppContainer; pipe DACLs that exclude the sandbox's SID" }),
  win({ id: "win.alpc-rpc", class: "N", title: "reach RPC and COM servers of the session (the endpoint mapper's pipe)", persistent: false, blockedBy: { ERROR_ACCESS_DENIED: by(APPCONTAINER, "appcontainer") }, closeWith: "AppContainer without the matching capabilities; RPC servers' own checks" }),
  win({ id: "win.registry.hkcu", class: "F", title: "write the caller's HKCU (Run keys, file associations)", persistent: true, receipt: "found", blockedBy: { ERROR_ACCESS_DENIED: by(`${APPCONTAINER}; ${LOW_IL}`, "appcontainer", "integrity-level") }, closeWith: "low integrity or AppContainer, or a separate sandbox account" }),
  win({ id: "win.registry.hklm", class: "F", title: "read machine-wide configuration under HKLM", persistent: false, blockedBy: { ERROR_ACCESS_DENIED: by("registry DACLs for a separate account", "dacl", "account") }, closeWith: "a separate sandbox account (reads are allowed to every user and to ALL APPLICATION PACKAGES by default)" }),
  win({ id: "win.clipboard", class: "O", title: "read the clipboard", persistent: false, blockedBy: { ERROR_ACCESS_DENIED: by(`${UILIMIT} (READCLIPBOARD, WRITECLIPBOARD)`, "job-object") }, closeWith: "JOB_OBJECT_UILIMIT_READCLIPBOARD | WRITECLIPBOARD" }),
  win({ id: "win.window-messages", class: "O", title: "find another process's window and send it a message", persistent: false, receipt: "found", blockedBy: { ERROR_FILE_NOT_FOUND: by(`${UILIMIT} (HANDLES: windows outside the job are not visible)`, "job-object"), ERROR_ACCESS_DENIED: by(`${UILIMIT} (HANDLES), win32k lockdown`, "job-object") }, closeWith: "JOB_OBJECT_UILIMIT_HANDLES, a separate desktop, or the win32k-disable mitigation" }),
  win({ id: "win.global-atoms", class: "G", title: "read the session's global atoms", persistent: false, blockedBy: { ERROR_FILE_NOT_FOUND: by(`${UILIMIT} (GLOBALATOMS: the job has its own atom table)`, "job-object") }, closeWith: "JOB_OBJECT_UILIMIT_GLOBALATOMS" }),
  win({ id: "win.ads", class: "F", title: "hide data in an alternate data stream of a file granted read-only", persistent: true, receipt: "found", blockedBy: { ERROR_ACCESS_DENIED: by("DACL (the grant is read and execute only: a stream needs write access to its file)", "dacl") }, closeWith: "read-only grants (a stream needs write access to its file)" }),
  win({ id: "win.temp.shared", class: "F", title: "write the caller's own %TEMP%", persistent: true, receipt: "found", blockedBy: { ERROR_ACCESS_DENIED: by(`${APPCONTAINER} (no grant on it); ${LOW_IL}`, "appcontainer", "integrity-level") }, closeWith: "a private TEMP directory per sandbox (cordon sets one) and an identity without access to the caller's" }),
  win({ id: "win.services.tasks", class: "X", title: "open the service manager to create services", persistent: true, blockedBy: { ERROR_ACCESS_DENIED: by("not an administrator, or an AppContainer", "appcontainer", "account") }, closeWith: "never running sandboxes elevated" }),
  win({ id: "win.network", class: "O", title: "connect over TCP to a listener outside on loopback", persistent: false, receipt: "found", blockedBy: { WSAEACCES: by("AppContainer without network capabilities; WFP filters", "appcontainer", "wfp"), WSAETIMEDOUT: by("AppContainer network isolation (loopback is not reachable from an AppContainer)", "appcontainer"), WSAECONNREFUSED: by("AppContainer network isolation", "appcontainer"), WSAEHOSTUNREACH: by("WFP filters", "wfp") }, closeWith: "AppContainer without network capabilities, or WFP filters on the sandbox's SID" }),
  win({ id: "win.credentials", class: "K", title: "read a credential from the caller's Credential Manager", persistent: false, blockedBy: { ERROR_NOT_FOUND: by(`${APPCONTAINER} or another account: the caller's credentials are not its own`, "appcontainer", "account"), ERROR_ACCESS_DENIED: by(APPCONTAINER, "appcontainer") }, closeWith: "AppContainer or a separate sandbox account" }),
  win({ id: "win.processes", class: "O", title: "open a process outside the job for terminating or writing its memory", persistent: false, blockedBy: { ERROR_ACCESS_DENIED: by(`${APPCONTAINER}; ${LOW_IL}`, "appcontainer", "integrity-level") }, closeWith: "low integrity or AppContainer (OpenProcess for write fails upward)" }),
];

const SEATBELT = "Seatbelt profile";

export const darwinChannels: readonly Channel[] = [
  mac({ id: "mac.mach-lookup", class: "N", title: "look up launchd/XPC services beyond the minimal set", persistent: false, blockedBy: { EPERM: by(`${SEATBELT} (mach-lookup allow-list)`, "seatbelt") }, closeWith: "a mach-lookup allow-list in the profile" }),
  mac({ id: "mac.pasteboard", class: "O", title: "read or write the pasteboard (com.apple.pasteboard)", persistent: false, blockedBy: { EPERM: by(`${SEATBELT} (no pasteboard service)`, "seatbelt") }, closeWith: "leaving com.apple.pasteboard.1 out of mach-lookup" }),
  mac({ id: "mac.keychain", class: "K", title: "query the login keychain through securityd", persistent: false, blockedBy: { EPERM: by(`${SEATBELT} (no securityd lookup)`, "seatbelt") }, closeWith: "leaving com.apple.SecurityServer out of mach-lookup, or a dedicated user" }),
  mac({ id: "mac.notifications", class: "N", title: "post or observe distributed notifications", persistent: false, blockedBy: { EPERM: by(`${SEATBELT} (no distributed_notifications lookup)`, "seatbelt") }, closeWith: "leaving com.apple.distributed_notifications out of mach-lookup" }),
  mac({ id: "mac.apple-events", class: "O", title: "send Apple events to other applications", persistent: false, blockedBy: { EPERM: by(`${SEATBELT} (appleevent-send denied)`, "seatbelt") }, closeWith: "(deny appleevent-send), the default under (deny default)" }),
  mac({ id: "mac.defaults", class: "F", title: "write user defaults through cfprefsd", persistent: true, blockedBy: { EPERM: by(`${SEATBELT} (no cfprefsd lookup)`, "seatbelt") }, closeWith: "leaving com.apple.cfprefsd.daemon/agent out of mach-lookup" }),
  mac({ id: "mac.ipc-posix", class: "N", title: "open POSIX shared memory and semaphores of other processes", persistent: true, blockedBy: { EPERM: by(`${SEATBELT} (ipc-posix-* denied)`, "seatbelt") }, closeWith: "(deny ipc-posix-shm ipc-posix-sem)" }),
  mac({ id: "mac.ipc-sysv", class: "N", title: "attach SysV shared memory, queues and semaphores", persistent: true, blockedBy: { EPERM: by(`${SEATBELT} (ipc-sysv-* denied)`, "seatbelt") }, closeWith: "(deny ipc-sysv-shm ipc-sysv-msg ipc-sysv-sem)" }),
  mac({ id: "mac.unix-sockets", class: "N", title: "connect to another process's unix socket", persistent: false, blockedBy: { EPERM: by(`${SEATBELT} (network-outbound to unix paths denied)`, "seatbelt") }, closeWith: "no (remote unix-socket ...) allowance in the profile" }),
  mac({ id: "mac.tmp.shared", class: "F", title: "write the shared /tmp and the user's $TMPDIR", persistent: true, blockedBy: { EPERM: by(`${SEATBELT} (no write rule)`, "seatbelt") }, closeWith: "a private TMPDIR per sandbox (cordon sets one)" }),
  mac({ id: "mac.process-info", class: "O", title: "inspect or signal processes outside the sandbox", persistent: false, blockedBy: { EPERM: by(`${SEATBELT} (process-info*, signal limited to same-sandbox)`, "seatbelt") }, closeWith: "(allow signal (target same-sandbox)) only" }),
  mac({ id: "mac.iokit", class: "X", title: "open IOKit user clients (drivers)", persistent: false, blockedBy: { EPERM: by(`${SEATBELT} (iokit-open denied)`, "seatbelt") }, closeWith: "(deny iokit-open), the default under (deny default)" }),
  mac({ id: "mac.tcc", class: "K", title: "use privacy-protected data (camera, contacts, documents) the caller was granted", persistent: false, blockedBy: { EPERM: by("TCC attributes the request to the responsible process", "tcc") }, closeWith: "a dedicated user with no TCC grants" }),
];
