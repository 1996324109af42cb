import { mentionPattern } from '@/lib/tickets/mentions';
import type { Element, ElementContent, Root, RootContent } from 'hast';

// Same shape as lib/tickets/mentions.ts (what the server resolves into `mentions`):
// not after a word character, "@" or "." so e-mail addresses stay plain.
const mentionInText = mentionPattern; // the same pattern the server resolves into `mentions`

// Code and links already have their own meaning; a mention inside them stays literal text.
const skipInside = new Set(['code', 'pre', 'a']);

export type RehypeMentionsOptions = { handles: ReadonlySet<string> };

function splitText(value: string, handles: ReadonlySet<string>): ElementContent[] | null {
  const parts: ElementContent[] = [];
  let last = 0;
  for (const m of value.matchAll(mentionInText)) {
    const handle = m[2].toLowerCase();
    if (!handles.has(handle)) continue;
    const start = (m.index ?? 0) + m[1].length;
    const end = start + 1 + m[2].length;
    if (start > last) parts.push({ type: 'text', value: value.slice(last, start) });
    parts.push({
      type: 'element',
      tagName: 'span',
      properties: {
        className: ['mention', 'rounded-sm', 'bg-blue-500/10', 'px-0.5', 'font-medium', 'text-blue-700', 'dark:text-blue-300'],
        dataMention: handle,
      },
      children: [{ type: 'text', value: value.slice(start, end) }],
    });
    last = end;
  }
  if (parts.length === 0) return null;
  if (last < value.length) parts.push({ type: 'text', value: value.slice(last) });
  return parts;
}

function walk(node: Root | Element, handles: ReadonlySet<string>): void {
  const next: (RootContent | ElementContent)[] = [];
  for (const child of node.children) {
    if (child.type === 'text') {
      next.push(...(splitText(child.value, handles) ?? [child]));
      continue;
    }
    if (child.type === 'element' && !skipInside.has(child.tagName)) walk(child, handles);
    next.push(child);
  }
  node.children = next as typeof node.children;
}

/**
 * Wraps the @handles that resolved to a real handle in a highlighted span. Runs after
 * rehype-sanitize, so the classes it adds are ours and never come from the author.
 */
export function rehypeMentions(options: RehypeMentionsOptions) {
  return (tree: Root) => {
    if (options.handles.size > 0) walk(tree, options.handles);
  };
}
