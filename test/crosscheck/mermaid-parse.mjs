// Parses mermaid diagrams with mermaid's own parser (the one GitHub's renderer runs), in a
// plain Node process: reads a JSON array of diagram texts on stdin, writes one
// { ok, type } or { ok: false, error } per diagram. mermaid's sanitiser (DOMPurify) needs a
// DOM, so a jsdom window stands in for the browser's.
import { JSDOM } from 'jsdom';

const { window } = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import('mermaid');

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const text of JSON.parse(input)) {
  try {
    const parsed = await mermaid.parse(text);
    results.push({ ok: true, type: parsed.diagramType });
  } catch (error) {
    results.push({
      ok: false,
      error: String(error?.message ?? error)
        .split('\n')
        .slice(0, 3)
        .join(' '),
    });
  }
}
process.stdout.write(JSON.stringify(results));
