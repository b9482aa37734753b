// The audit's Linux channels to the host's own state that a sandbox may
// share: set-id files planted in a write grant, the host's device nodes,
// inbound TCP through listen() auto-bind, key files in the read set, root-only
// /proc files, netlink families other than ROUTE, and cordon run's report
// file. Pure data, like channels.ts (which lists these after its own rows).
import { by } from "./blocker.ts";
import type { Channel } from "./channels.ts";

const ch = (c: Omit<Channel, "os">): Channel => ({ os: "linux", ...c });

/** blockedBy keys that are not errnos: causes the probe names, and "unseen" for a success inside the host did not see. */
const SETID_BLOCKED = {
  EPERM: by("seccomp (set-id mode bits refused)", "seccomp"),
  EACCES: by("landlock (no write rule)", "landlock"),
  EROFS: by("read-only mount", "mount-namespace"),
  cleared: by("the kernel cleared the bit (not in the file's group, no CAP_FSETID)", "capabilities", "kernel"),
  unseen: by("the host's file does not carry it", "file-permissions"),
};
const SETID_CLOSE = "seccomp deny of S_ISUID/S_ISGID in the mode of chmod, fchmod, fchmodat(2), open/openat/creat with O_CREAT and mknod (openat2 answered ENOSYS), or an unprivileged uid for root callers' commands";

const DEV_BLOCKED = {
  EROFS: by("read-only bind of the device node", "mount-namespace"),
  EPERM: by("not the node's owner, or seccomp", "seccomp", "file-permissions"),
  EACCES: by("landlock", "landlock"),
  EINVAL: by("user namespace (the node's owner is not mapped)", "user-namespace", "file-permissions"),
  ENOENT: by("the node is not in the sandbox's /dev", "mount-namespace"),
  unseen: by("the sandbox's node is its own, not the host's", "mount-namespace"),
};
const DEV_CLOSE = "bind every device node read-only (the device still reads and writes; chmod, chown and utimes get EROFS), or a uid that does not own them";

const KEYS_BLOCKED = {
  EACCES: by("landlock (no read rule), or file permissions for the sandbox's uid", "landlock", "file-permissions"),
  ENOENT: by("mount namespace (the path is not in the sandbox's root)", "mount-namespace"),
};

const PROC_BLOCKED = {
  EACCES: by("landlock (/proc not granted)", "landlock"),
  ENOENT: by("hidden from the sandbox's /proc", "pid-namespace"),
  EPERM: by("capabilities or an LSM", "capabilities", "kernel"),
  dac: by("file permissions: root-only and the sandbox is not root", "file-permissions"),
  empty: by("hidden (reads empty)", "pid-namespace"),
};
const PROC_CLOSE = "a /proc inside that hides root-only files, or a non-root uid inside";

const NETLINK_BLOCKED = {
  EACCES: by("seccomp (AF_NETLINK limited to NETLINK_ROUTE)", "seccomp"),
  EPERM: by("seccomp, or no CAP_NET_ADMIN", "seccomp", "capabilities"),
  EAFNOSUPPORT: by("seccomp (AF_NETLINK refused)", "seccomp"),
  EPROTONOSUPPORT: by("a kernel without this family, or seccomp", "seccomp", "kernel"),
};
const NETLINK_CLOSE = "seccomp deny of socket(AF_NETLINK) for every protocol but NETLINK_ROUTE; a network namespace confines the family's state, not its kernel code";

const REPORT_BLOCKED = {
  refused: by("cordon refused the planted path (O_NOFOLLOW / O_NONBLOCK, regular files only)", "cordon"),
  renamed: by("cordon replaced the planted path (write, then rename)", "cordon"),
  fd: by("cordon opened the report once before the command started and wrote through that descriptor", "cordon"),
};
const REPORT_CLOSE = "open the report once before the command starts (O_NOFOLLOW|O_NONBLOCK, regular file only) and write through that descriptor, or write then rename";

export const hostStateChannels: readonly Channel[] = [
  ch({ id: "fs.setid.chmod-suid", class: "F", title: "plant a set-uid file in a write grant (chmod 4755)", persistent: true, receipt: "found", blockedBy: SETID_BLOCKED, closeWith: SETID_CLOSE }),
  ch({ id: "fs.setid.chmod-sgid", class: "F", title: "plant a set-gid file in a write grant (chmod 2755)", persistent: true, receipt: "found", blockedBy: SETID_BLOCKED, closeWith: SETID_CLOSE }),
  ch({ id: "fs.setid.create-suid", class: "F", title: "create a set-uid file in a write grant (open O_CREAT, 04755)", persistent: true, receipt: "found", blockedBy: SETID_BLOCKED, closeWith: SETID_CLOSE }),
  ch({
    id: "fs.setid.fcaps",
    class: "F",
    title: "set file capabilities (security.capability) in a write grant",
    persistent: true,
    receipt: "found",
    blockedBy: { ...SETID_BLOCKED, EPERM: by("no CAP_SETFCAP inside (capabilities dropped), or seccomp", "seccomp", "capabilities"), ENOTSUP: by("seccomp (xattr writes refused)", "seccomp"), nocap: by("capabilities dropped (no CAP_SETFCAP inside)", "capabilities") },
    closeWith: "seccomp deny of setxattr(security.capability); capabilities dropped (no CAP_SETFCAP)",
  }),
  ch({ id: "dev.meta.chmod", class: "M", title: "chmod the host's device nodes (/dev/null...)", persistent: true, receipt: "found", blockedBy: DEV_BLOCKED, closeWith: DEV_CLOSE }),
  ch({ id: "dev.meta.chown", class: "M", title: "chown the host's device nodes", persistent: true, receipt: "found", blockedBy: DEV_BLOCKED, closeWith: DEV_CLOSE }),
  ch({ id: "dev.meta.utimes", class: "M", title: "set the times of the host's device nodes", persistent: true, receipt: "found", blockedBy: DEV_BLOCKED, closeWith: DEV_CLOSE }),
  ch({
    id: "net.tcp.listen",
    class: "N",
    title: "accept inbound TCP through listen() on an unbound socket (kernel auto-bind)",
    persistent: false,
    receipt: "found",
    blockedBy: { EACCES: by("seccomp (no-network socket() allow-list)", "seccomp"), listen: by("seccomp (listen() refused without a bind grant)", "seccomp"), unseen: by("network namespace (the outside cannot reach the sandbox's port)", "network-namespace") },
    closeWith: "seccomp deny of listen() without a bind grant, or a network namespace (with a bind grant, listen() on an unbound socket still gets an ephemeral port outside it: only a network namespace closes that)",
  }),
  ch({ id: "fs.keys.tls", class: "F", title: "open TLS private keys (/etc/ssl/private, /etc/pki/*/private)", persistent: false, blockedBy: KEYS_BLOCKED, closeWith: "a read set with /etc/ssl/certs and the CA bundles, never /etc/ssl/private or /etc/pki/*/private" }),
  ch({ id: "fs.keys.ssh-host", class: "F", title: "open the SSH host keys (/etc/ssh/ssh_host_*_key)", persistent: false, blockedBy: KEYS_BLOCKED, closeWith: "a read set without /etc/ssh" }),
  ch({ id: "fs.keys.ssh-user", class: "F", title: "open the caller's ~/.ssh files", persistent: false, blockedBy: KEYS_BLOCKED, closeWith: "no read grant covering ~/.ssh" }),
  ch({ id: "proc.root.slabinfo", class: "G", title: "read root-only /proc/slabinfo (kernel allocator state)", persistent: false, blockedBy: PROC_BLOCKED, closeWith: PROC_CLOSE }),
  ch({ id: "proc.root.timer_list", class: "G", title: "read root-only /proc/timer_list (every CPU's timers)", persistent: false, blockedBy: PROC_BLOCKED, closeWith: PROC_CLOSE }),
  ch({ id: "proc.root.vmallocinfo", class: "G", title: "read root-only /proc/vmallocinfo (kernel allocations)", persistent: false, blockedBy: PROC_BLOCKED, closeWith: PROC_CLOSE }),
  ch({ id: "proc.root.pagetypeinfo", class: "G", title: "read root-only /proc/pagetypeinfo (page allocator state)", persistent: false, blockedBy: PROC_BLOCKED, closeWith: PROC_CLOSE }),
  ch({ id: "net.netlink.kobject_uevent", class: "G", title: "receive device events (NETLINK_KOBJECT_UEVENT, group 1)", persistent: false, blockedBy: NETLINK_BLOCKED, closeWith: NETLINK_CLOSE }),
  ch({ id: "net.netlink.audit", class: "X", title: "open NETLINK_AUDIT", persistent: false, blockedBy: NETLINK_BLOCKED, closeWith: NETLINK_CLOSE }),
  ch({ id: "net.netlink.xfrm", class: "X", title: "open NETLINK_XFRM (IPsec state)", persistent: false, blockedBy: NETLINK_BLOCKED, closeWith: NETLINK_CLOSE }),
  ch({ id: "net.netlink.netfilter", class: "X", title: "open NETLINK_NETFILTER (nftables, conntrack)", persistent: false, blockedBy: NETLINK_BLOCKED, closeWith: NETLINK_CLOSE }),
  ch({ id: "net.netlink.connector", class: "X", title: "open NETLINK_CONNECTOR (process events)", persistent: false, blockedBy: NETLINK_BLOCKED, closeWith: NETLINK_CLOSE }),
  ch({ id: "net.netlink.generic", class: "X", title: "list generic netlink families (NETLINK_GENERIC)", persistent: false, blockedBy: NETLINK_BLOCKED, closeWith: NETLINK_CLOSE }),
  ch({ id: "report.symlink", class: "F", title: "make cordon run --report write through a symlink the command planted", persistent: true, side: "host", blockedBy: REPORT_BLOCKED, closeWith: REPORT_CLOSE }),
  ch({ id: "report.fifo", class: "F", title: "make cordon run --report open a FIFO the command planted (it waits in open())", persistent: false, side: "host", blockedBy: REPORT_BLOCKED, closeWith: REPORT_CLOSE }),
];
