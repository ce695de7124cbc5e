// The agency's feed in the browser: the durable feed (HTTP, then Since over the hub) is the
// truth; live pushes are a fast path. Items are merged by id, so a push, a catch-up and an
// update of the same item (e.g. acknowledged) never show twice. Pushes may arrive out of order
// or not at all, so the page keeps the highest seq up to which it has every item, and fetches
// from there whenever a push shows a gap after it.

import { get } from './api.js';

const PageSize = 1000;
// A gap may just be a push overtaken by a later one: give it this long to arrive before fetching.
const GapWaitMs = 300;
const RetryDelaysMs = [1000, 2000, 5000, 10000, 30000];
// Reconnecting for longer than this is shown as offline (it keeps trying).
const OfflineAfterMs = 10_000;

/** The page's copy of its agency's feed: items by id, and who to tell when it changes. */
export class FeedCache {
  #items = new Map();
  #listeners = new Set();

  /** True once the initial load is done: items after that are news worth announcing. */
  loaded = false;

  get lastSeq() {
    let last = 0;
    for (const item of this.#items.values()) {
      last = Math.max(last, item.seq);
    }
    return last;
  }

  /** The highest seq up to which every item is here (seqs start at 1 and have no gaps). */
  get contiguousSeq() {
    const seqs = [...this.#items.values()].map((item) => item.seq).sort((a, b) => a - b);
    let contiguous = 0;
    for (const seq of seqs) {
      if (seq > contiguous + 1) {
        break;
      }
      contiguous = Math.max(contiguous, seq);
    }
    return contiguous;
  }

  /**
   * Where a catch-up should start: after the contiguous seq (never after a gap left by a lost
   * or overtaken push), or earlier when an item still waits
   * for acknowledgement — Since(seq) returns only newer items, and an older one may have been
   * acknowledged by a colleague while this page was offline.
   */
  get catchUpAfter() {
    let after = this.contiguousSeq;
    for (const item of this.#items.values()) {
      if (item.requiresAck && !item.acknowledgedAt) {
        after = Math.min(after, item.seq - 1);
      }
    }
    return Math.max(0, after);
  }

  items() {
    return [...this.#items.values()].sort((a, b) => b.seq - a.seq);
  }

  merge(incoming) {
    const added = [];
    const updated = [];
    for (const item of incoming) {
      const known = this.#items.get(item.id);
      if (!known) {
        this.#items.set(item.id, item);
        added.push(item);
      } else if (known.acknowledgedAt && !item.acknowledgedAt) {
        // An acknowledgement never goes away: this copy is older than the one we have.
      } else if (JSON.stringify(known) !== JSON.stringify(item)) {
        this.#items.set(item.id, item);
        updated.push(item);
      }
    }
    if (added.length || updated.length) {
      this.#emit({ added, updated });
    }
    return { added, updated };
  }

  /** Re-render without new data, e.g. when a deadline passes. */
  touch() {
    this.#emit({ added: [], updated: [] });
  }

  subscribe(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(change) {
    for (const listener of [...this.#listeners]) {
      listener(change, this);
    }
  }
}

/** The SignalR connection to /hubs/dashboard with reconnect and catch-up. */
export class LiveFeed {
  #store;
  #tokenFactory;
  #onState;
  #connection = null;
  #stopped = false;
  #retry = 0;
  #retryTimer = null;
  #offlineTimer = null;
  #gapTimer = null;

  constructor(store, tokenFactory, onState) {
    this.#store = store;
    this.#tokenFactory = tokenFactory;
    this.#onState = onState;
  }

  async start() {
    this.#onState('connecting');
    await this.#loadOverHttp();
    this.#store.loaded = true;
    this.#store.touch();

    this.#connection = new window.signalR.HubConnectionBuilder()
      .withUrl('/hubs/dashboard', { accessTokenFactory: () => this.#tokenFactory() })
      .withAutomaticReconnect({
        nextRetryDelayInMilliseconds: (context) => RetryDelaysMs[Math.min(context.previousRetryCount, RetryDelaysMs.length - 1)],
      })
      .configureLogging(window.signalR.LogLevel.Warning)
      .build();
    this.#connection.on('feed', (item) => {
      this.#store.merge([item]);
      this.#fetchGapSoon();
    });
    this.#connection.onreconnecting(() => {
      this.#onState(navigator.onLine ? 'reconnecting' : 'offline');
      clearTimeout(this.#offlineTimer);
      this.#offlineTimer = setTimeout(() => this.#onState('offline'), OfflineAfterMs);
    });
    this.#connection.onreconnected(() => this.#connected());
    this.#connection.onclose(() => {
      if (!this.#stopped) {
        this.#onState('offline');
        this.#scheduleStart();
      }
    });
    window.addEventListener('online', this.#onOnline);
    window.addEventListener('offline', this.#onOffline);
    await this.#startConnection();
  }

  async stop() {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#offlineTimer);
    clearTimeout(this.#gapTimer);
    window.removeEventListener('online', this.#onOnline);
    window.removeEventListener('offline', this.#onOffline);
    await this.#connection?.stop();
  }

  #onOffline = () => this.#onState('offline');

  #onOnline = () => {
    if (this.#connection?.state === window.signalR.HubConnectionState.Disconnected) {
      clearTimeout(this.#retryTimer);
      this.#startConnection();
    }
  };

  async #startConnection() {
    if (this.#stopped) {
      return;
    }
    try {
      await this.#connection.start();
      this.#retry = 0;
      await this.#connected();
    } catch {
      this.#onState('offline');
      this.#scheduleStart();
    }
  }

  #scheduleStart() {
    const delay = RetryDelaysMs[Math.min(this.#retry, RetryDelaysMs.length - 1)];
    this.#retry += 1;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.#startConnection(), delay);
  }

  #fetchGapSoon() {
    if (this.#gapTimer !== null || this.#store.lastSeq <= this.#store.contiguousSeq) {
      return;
    }
    this.#gapTimer = setTimeout(async () => {
      this.#gapTimer = null;
      if (this.#store.lastSeq > this.#store.contiguousSeq) {
        await this.#catchUp();
      }
    }, GapWaitMs);
  }

  async #connected() {
    clearTimeout(this.#offlineTimer);
    this.#onState('connected');
    await this.#catchUp();
  }

  async #catchUp() {
    try {
      let after = this.#store.catchUpAfter;
      for (;;) {
        const items = await this.#connection.invoke('Since', after);
        this.#store.merge(items);
        if (items.length < PageSize) {
          break;
        }
        after = items[items.length - 1].seq;
      }
    } catch {
      // The connection dropped during the catch-up; the reconnect handler catches up again.
    }
  }

  async #loadOverHttp() {
    let after = 0;
    try {
      for (;;) {
        const items = await get(`/api/feed?after=${after}&limit=${PageSize}`);
        this.#store.merge(items);
        if (items.length < PageSize) {
          return;
        }
        after = items[items.length - 1].seq;
      }
    } catch {
      // Offline at start: the hub's catch-up fills the feed once it connects.
    }
  }
}
