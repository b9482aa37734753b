// A Microkit system description as a plain element tree, and its XML text.
// The generator builds the tree, ./check.ts holds it to the documented
// schema, and toXml() writes it: attribute values escaped, one element per
// line, comments only where they explain a choice.

export type SdfElement = {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly SdfElement[];
  /** Written as an XML comment just before the element (never inside it). */
  readonly comment?: string;
};

/** An element; undefined attributes are left out, numbers written in decimal (use hex() for addresses). */
export const el = (name: string, attrs: Record<string, string | number | boolean | undefined>, children: SdfElement[] = [], comment?: string): SdfElement => ({
  name,
  attrs: Object.fromEntries(Object.entries(attrs).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]]))),
  children,
  ...(comment ? { comment } : {}),
});

/** Addresses and sizes in hex, as the manual's examples write them. */
export const hex = (n: number) => `0x${n.toString(16)}`;

const escapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => escapes[c]!);

/** A comment may not contain "--" nor end in "-" (XML 1.0 §2.5). */
const commentText = (s: string) => s.replace(/-(?=-)/g, "- ").replace(/-$/, "- ").replace(/[\r\n]+/g, " ");

function write(e: SdfElement, depth: number, out: string[]): void {
  const pad = "    ".repeat(depth);
  if (e.comment) out.push(`${pad}<!-- ${commentText(e.comment)} -->`);
  const attrs = Object.entries(e.attrs).map(([k, v]) => ` ${k}="${escape(v)}"`).join("");
  if (e.children.length === 0) {
    out.push(`${pad}<${e.name}${attrs} />`);
    return;
  }
  out.push(`${pad}<${e.name}${attrs}>`);
  for (const c of e.children) write(c, depth + 1, out);
  out.push(`${pad}</${e.name}>`);
}

export function toXml(root: SdfElement, header: readonly string[] = []): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', ...header.map((h) => `<!-- ${commentText(h)} -->`)];
  write(root, 0, out);
  return out.join("\n") + "\n";
}
