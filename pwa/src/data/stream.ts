/** Live updates over graphql-transport-ws (sync-protocol.md section 9), kept minimal: the stream
 * only tells us that a collection changed; the documents come through the normal pull, which
 * already handles order, tombstones and revocation. One socket, one subscription per collection. */

import { fieldSuffix } from './collections';
import type { Checkpoint } from './docs';

export interface StreamOptions {
  url: string;
  collections: () => readonly string[];
  checkpoint: (collection: string) => Promise<Checkpoint>;
  token: () => Promise<string | null>;
  refresh: (failed: string | null) => Promise<string>;
  /** A collection changed (or must be caught up after a (re)connect). */
  onChange: (collection: string) => void;
  /** The server has no stream field for this collection. */
  onUnsupported?: (collection: string) => void;
  socket?: (url: string, protocol: string) => WebSocket;
}

interface Message {
  id?: string;
  type: string;
  payload?: unknown;
}

/** A field of an object payload, if the payload is one. */
function field(payload: unknown, name: string): unknown {
  return payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>)[name] : undefined;
}

const MAX_DELAY = 60_000;

export class SyncStream {
  private ws: WebSocket | null = null;
  private running = false;
  private delay = 1_000;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly ids = new Map<string, string>();

  constructor(private readonly opts: StreamOptions) {}

  get connected(): boolean {
    return this.ws?.readyState === 1;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.connect();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000);
  }

  private retryLater(): void {
    if (!this.running || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, this.delay);
    this.delay = Math.min(this.delay * 2, MAX_DELAY);
  }

  private async connect(): Promise<void> {
    if (!this.running || this.ws) return;
    const token = await this.opts.token();
    if (!token) return; // signed out: the app starts the stream again after sign-in
    const make = this.opts.socket ?? ((url, protocol) => new WebSocket(url, protocol));
    let ws: WebSocket;
    try {
      ws = make(this.opts.url, 'graphql-transport-ws');
    } catch {
      this.retryLater();
      return;
    }
    this.ws = ws;
    ws.onopen = () => this.send(ws, { type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
    ws.onmessage = (ev: MessageEvent) => void this.receive(ws, token, String(ev.data));
    ws.onclose = () => {
      if (this.ws === ws) this.ws = null;
      this.retryLater();
    };
    ws.onerror = () => ws.close();
  }

  private send(ws: WebSocket, msg: Message): void {
    if (ws.readyState === 1) ws.send(JSON.stringify(msg));
  }

  // `token` is the one this socket was opened with: the one to replace if the server refuses it.
  private async receive(ws: WebSocket, token: string, raw: string): Promise<void> {
    let msg: Message;
    try {
      msg = JSON.parse(raw) as Message;
    } catch {
      return;
    }
    if (msg.type === 'ping') {
      this.send(ws, { type: 'pong' });
      return;
    }
    if (msg.type === 'connection_ack') {
      if (field(msg.payload, 'error')) {
        // The socket is useless without a valid token: refresh, then reconnect at once.
        this.ws = null;
        ws.onclose = null;
        ws.close(1000);
        try {
          await this.opts.refresh(token);
          this.delay = 1_000;
          void this.connect();
        } catch {
          this.retryLater();
        }
        return;
      }
      this.delay = 1_000;
      await this.subscribeAll(ws);
      return;
    }
    const collection = msg.id ? this.ids.get(msg.id) : undefined;
    if (!collection) return;
    if (msg.type === 'next') {
      const errors = field(msg.payload, 'errors');
      if (!Array.isArray(errors) || errors.length === 0) this.opts.onChange(collection);
    } else if (msg.type === 'error') {
      // A validation error: this server has no stream for the collection.
      this.opts.onUnsupported?.(collection);
    }
  }

  private async subscribeAll(ws: WebSocket): Promise<void> {
    this.ids.clear();
    let n = 0;
    for (const name of this.opts.collections()) {
      const id = String(++n);
      this.ids.set(id, name);
      const field = `stream${fieldSuffix(name)}`;
      const checkpoint = await this.opts.checkpoint(name);
      this.send(ws, {
        id,
        type: 'subscribe',
        payload: {
          query: `subscription($c: JSON) { ${field}(checkpoint: $c) { checkpoint resync } }`,
          variables: { c: checkpoint },
        },
      });
    }
  }
}

/** ws:// or wss:// next to the page, for the same /graphql path. */
export function streamUrl(location: { protocol: string; host: string }, path = '/graphql'): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${path}`;
}
