// Windows path comparisons: case-insensitive, either slash, no trailing separator.

const lower = (p: string) => p.replace(/\//g, "\\").replace(/\\+$/, "").toLowerCase();

/** Device names (\\.\NUL) carry no file DACL. */
export const isDevice = (p: string) => p.startsWith("\\\\.\\");

/** `path` is one of `roots` or lies beneath one. */
export function under(path: string, roots: readonly string[]): boolean {
  const p = lower(path);
  return roots.some((r) => {
    const root = lower(r);
    return p === root || p.startsWith(root + "\\");
  });
}
