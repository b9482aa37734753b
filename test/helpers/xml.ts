// A strict reader for the XML cordon generates (test-only): the declaration,
// comments, elements with quoted attributes, the five predefined entities.
// Anything else — a mismatched or unclosed tag, a duplicate or unquoted
// attribute, a raw "<" or "&", "--" inside a comment, text outside the root,
// a second root — throws, naming the offset.
import type { SdfElement } from "../../lib/plan/sel4/sdf.ts";

const NAME = /[A-Za-z_][A-Za-z0-9_.-]*/y;
const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

export function parseXml(text: string): SdfElement {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`not well-formed at ${i}: ${why}`);
  };
  const space = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const name = () => {
    NAME.lastIndex = i;
    const m = NAME.exec(text) ?? fail("a name");
    i += m[0].length;
    return m[0];
  };
  const unescape = (s: string) =>
    s.replace(/&([^;]*);|&|</g, (all, ent: string | undefined) => (ent !== undefined && entities[ent] !== undefined ? entities[ent] : fail(`bad character or entity ${JSON.stringify(all)}`)));
  const misc = () => {
    for (;;) {
      space();
      if (text.startsWith("<!--", i)) {
        const end = text.indexOf("-->", i + 4);
        if (end < 0) fail("unclosed comment");
        if (text.slice(i + 4, end).includes("--") || text[end - 1] === "-") fail('"--" inside a comment');
        i = end + 3;
      } else return;
    }
  };
  const element = (): SdfElement => {
    if (text[i] !== "<") fail("an element");
    i++;
    const tag = name();
    const attrs: Record<string, string> = {};
    for (;;) {
      const before = i;
      space();
      if (text.startsWith("/>", i)) return ((i += 2), { name: tag, attrs, children: [] });
      if (text[i] === ">") break;
      if (i === before) fail("space before an attribute");
      const key = name();
      if (key in attrs) fail(`duplicate attribute ${key}`);
      space();
      if (text[i] !== "=") fail("=");
      i++;
      space();
      const q = text[i] ?? "";
      if (q !== '"' && q !== "'") fail("a quoted value");
      const end = text.indexOf(q, i + 1);
      if (end < 0) fail("unclosed value");
      attrs[key] = unescape(text.slice(i + 1, end));
      i = end + 1;
    }
    i++;
    const children: SdfElement[] = [];
    for (;;) {
      misc();
      if (text.startsWith("</", i)) {
        i += 2;
        if (name() !== tag) fail(`</${tag}> expected`);
        space();
        if (text[i] !== ">") fail(">");
        i++;
        return { name: tag, attrs, children };
      }
      if (i >= text.length) fail(`<${tag}> not closed`);
      children.push(element());
    }
  };
  if (!text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')) fail("the XML declaration");
  i = text.indexOf("?>") + 2;
  misc();
  const root = element();
  misc();
  if (i !== text.length) fail("content after the root element");
  return root;
}
