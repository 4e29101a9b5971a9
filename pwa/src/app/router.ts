/** A tiny path router: real paths (/wo/<id>, /a/<tag>) so that a QR code's URL opens the app
 * directly; the server and the service worker answer every such path with the app shell. */

import { signal } from '@preact/signals';

export const currentPath = signal(typeof location !== 'undefined' ? location.pathname : '/');

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === location.pathname + location.search) return;
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  currentPath.value = location.pathname;
  window.scrollTo(0, 0);
}

/** `/wo/:id` against `/wo/123` → { id: '123' }; null when it does not match. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const part = p[i] as string;
    const seg = s[i] as string;
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(seg);
    else if (part !== seg) return null;
  }
  return params;
}

/** Same-origin links navigate in place instead of reloading the page. */
export function installLinkHandler(): void {
  window.addEventListener('popstate', () => {
    currentPath.value = location.pathname;
  });
  document.addEventListener('click', (ev) => {
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    const a = (ev.target as Element | null)?.closest?.('a');
    if (!a || a.target || a.hasAttribute('download')) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin) return;
    ev.preventDefault();
    navigate(url.pathname + url.search);
  });
}
