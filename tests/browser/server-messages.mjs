// The field messages the server can send, read from its Rust source: the last argument of every
// `Validator::check`, the message of every `AppError::field`, the weight rules' and strict
// dates' messages. A `{…}` placeholder stands for a number or a name in the real message.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function rustFiles(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? rustFiles(p) : p.endsWith('.rs') ? [p] : [];
  });
}

/** The text of the call's arguments, from just after `(` to its matching `)`. */
function argsAt(src, open) {
  let depth = 1;
  let i = open;
  while (depth && i < src.length) {
    const c = src[i];
    if (c === '"') {
      i += 1;
      while (src[i] !== '"') i += src[i] === '\\' ? 2 : 1;
    } else if (c === '(' || c === '[' || c === '{') depth += 1;
    else if (c === ')' || c === ']' || c === '}') depth -= 1;
    i += 1;
  }
  return src.slice(open, i - 1);
}

/** Top-level arguments, split on commas outside strings and brackets. */
function splitArgs(args) {
  const out = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < args.length; i += 1) {
    const c = args[i];
    if (c === '"') {
      let j = i + 1;
      while (args[j] !== '"') j += args[j] === '\\' ? 2 : 1;
      cur += args.slice(i, j + 1);
      i = j;
      continue;
    }
    if ('([{'.includes(c)) depth += 1;
    if (')]}'.includes(c)) depth -= 1;
    if (c === ',' && depth === 0) { out.push(cur.trim()); cur = ''; } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** The string literals in an argument, joined (a `"…\` line continuation included). */
function literal(arg) {
  const parts = [...arg.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
  return parts.length ? parts.join('').replace(/\\\n\s*/g, '').replace(/\\"/g, '"') : null;
}

export function serverMessages(root) {
  const found = new Set();
  for (const file of rustFiles(path.join(root, 'api', 'src'))) {
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/\.check\(/g)) {
      const args = splitArgs(argsAt(src, m.index + m[0].length));
      if (args.length === 3) { const l = literal(args[2]); if (l) found.add(l); }
    }
    for (const m of src.matchAll(/AppError::field\(/g)) {
      const args = splitArgs(argsAt(src, m.index + m[0].length));
      if (args.length === 2) { const l = literal(args[1]); if (l) found.add(l); }
    }
    if (file.endsWith(path.join('domain', 'weighing.rs'))) {
      for (const m of src.matchAll(/(?:write_str\(|write!\(f, )"([^"]+)"/g)) found.add(m[1]);
    }
    if (file.endsWith(path.join('dto', 'date.rs'))) {
      for (const m of src.matchAll(/format!\("(must be a date[^"]+)"/g)) found.add(m[1]);
    }
  }
  return [...found].sort();
}

/** A real-looking message from a template: each `{…}` becomes 12. */
export const sample = (template) => template.replace(/\{[^}]*\}/g, '12');
