// A DACL grant goes on what a path leads to: set on a junction or symbolic
// link, it would open whatever that points at. The policy's grants are real
// paths (resolved when the policy was), so a link found on the way when the
// grant is made means the path changed since; the grant is refused. Only a
// reparse point whose tag says it is no link (OneDrive placeholders,
// deduplicated files) passes; a tag of 0 (what Wine reports for a Unix
// symlink) is no such promise. Pure: the backend supplies the lookup.

/** FILE_ATTRIBUTE_REPARSE_POINT */
const REPARSE_POINT = 0x400;
/** IsReparseTagNameSurrogate: the tag names another file (junction, symlink, AppExecLink). */
const NAME_SURROGATE = 0x2000_0000;

export type PathInfo = { readonly attributes: number; readonly reparseTag: number };

/** Whether what `info` describes could carry a grant somewhere else. */
export function isLink(info: PathInfo): boolean {
  if ((info.attributes & REPARSE_POINT) === 0) return false;
  return info.reparseTag === 0 || (info.reparseTag & NAME_SURROGATE) !== 0;
}

/**
 * Every directory on the way to `path` and `path` itself, drive or share root
 * left out (a root is no link): C:\a\b → C:\a, C:\a\b.
 */
export function pathSteps(path: string): string[] {
  const p = path.replace(/\//g, "\\").replace(/\\+$/, "");
  const unc = /^\\\\(?:[?.]\\UNC\\|(?![?.]\\))([^\\]+\\[^\\]+)/i.exec(p);
  const drive = /^(?:\\\\[?.]\\)?[A-Za-z]:/.exec(p);
  const root = unc ? unc[0] : drive ? drive[0] : "";
  const parts = p.slice(root.length).split("\\").filter(Boolean);
  return parts.map((_, i) => `${root}\\${parts.slice(0, i + 1).join("\\")}`);
}

/** The first link on the way to `path` (with its tag), or undefined when there is none. */
export function linkOnTheWay(path: string, lookup: (p: string) => PathInfo): { readonly at: string; readonly tag: number } | undefined {
  for (const step of pathSteps(path)) {
    const info = lookup(step);
    if (isLink(info)) return { at: step, tag: info.reparseTag };
  }
  return undefined;
}
