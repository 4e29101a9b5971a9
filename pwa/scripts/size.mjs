// The initial download: every JS and CSS file dist/index.html references (scripts, styles,
// module preloads), gzipped. Lazy chunks load later and are not counted. Fails over budget.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 120;
const dist = new URL('../dist/', import.meta.url).pathname;
let html;
try {
  html = readFileSync(join(dist, 'index.html'), 'utf8');
} catch {
  console.error('dist/index.html is missing: run `npm run build` first.');
  process.exit(1);
}
const refs = new Set();
for (const m of html.matchAll(/<(?:script|link)\b[^>]*?(?:src|href)="([^"]+)"[^>]*>/g)) {
  const url = m[1];
  if (/\.(js|mjs|css)$/.test(url) && !/^https?:/.test(url)) refs.add(url.replace(/^\//, ''));
}
let total = 0;
for (const ref of [...refs].sort()) {
  const bytes = gzipSync(readFileSync(join(dist, ref)), { level: 9 }).length;
  total += bytes;
  console.log(`${(bytes / 1024).toFixed(1).padStart(8)} KB  ${ref}`);
}
console.log(`${(total / 1024).toFixed(1).padStart(8)} KB  total initial JS + CSS (gzip), budget ${BUDGET_KB} KB`);
if (total > BUDGET_KB * 1024) {
  console.error('Over budget: lazy-load a feature (see src/app/routes.ts).');
  process.exit(1);
}
