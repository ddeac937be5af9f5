// The live feed: one websocket per page (docs/live-protocol.md).
// A snapshot first, then deltas with consecutive (from, to] ranges. A gap or a reconnect
// asks for a fresh snapshot with {"type": "resync"}; a dropped socket reconnects by itself
// with exponential back-off and jitter.

const FIRST_DELAY = 500;
const MAX_DELAY = 10000;
// A snapshot of a big cluster from a busy server can take a while; only a server that sends
// nothing resembling one for this long gets its socket replaced.
const SNAPSHOT_WAIT = 60000;

export class LiveFeed {
  constructor({ url, store, onStatus }) {
    this.url = url;
    this.store = store;
    this.onStatus = onStatus || (() => {});
    this.socket = null;
    this.delay = FIRST_DELAY;
    this.connected = false;
    this.awaitingSnapshot = true;
    this.everOpened = false;
    this.stopped = false;
    this.held = false;
    this.retryTimer = null;
    this.snapshotTimer = null;
    this.planned = null; // {text, until}: a reset the page asked for; its reconnect is no alarm
    this.stats = { connects: 0, snapshots: 0, deltas: 0, resyncs: 0, gaps: 0, frames: 0, bytes: 0 };
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.snapshotTimer);
    if (this.socket) this.socket.close(1000, "page closed");
    this.socket = null;
  }

  connect() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.status("connecting");
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (error) {
      this.scheduleReconnect(String(error));
      return;
    }
    this.socket = ws;
    this.awaitingSnapshot = true;
    ws.addEventListener("open", () => {
      if (this.socket !== ws) return;
      this.connected = true;
      this.stats.connects += 1;
      // The server sends a snapshot on connect; after a reconnect the protocol also asks
      // for one explicitly, so a page never applies deltas on top of a stale copy.
      if (this.everOpened) this.resync("reconnected");
      else this.status("loading");
      this.everOpened = true;
      this.watchForSnapshot();
    });
    ws.addEventListener("message", (event) => {
      if (this.socket !== ws) return;
      this.receive(event.data);
    });
    ws.addEventListener("close", (event) => {
      if (this.socket !== ws) return;
      this.socket = null;
      this.connected = false;
      clearTimeout(this.snapshotTimer);
      if (!this.stopped) this.scheduleReconnect(event.reason || `socket closed (${event.code})`);
    });
  }

  /**
   * The page is about to reset the cluster (a lesson starts, Reset): until the next snapshot (or
   * `ms`), a dropped socket reconnects at once and the status says `text`, not "reconnecting".
   * null takes it back (the reset failed).
   */
  expectReset(text, ms = 30000) {
    this.planned = text ? { text, until: Date.now() + ms } : null;
    if (this.planned && this.state !== "live") this.status(this.state);
  }

  isPlanned() {
    if (this.planned && Date.now() > this.planned.until) this.planned = null;
    return !!this.planned;
  }

  scheduleReconnect(why) {
    if (this.stopped || this.retryTimer) return;
    const planned = this.isPlanned();
    const wait = planned ? FIRST_DELAY / 2 : Math.round(this.delay * (0.75 + Math.random() * 0.5));
    if (!planned) this.delay = Math.min(MAX_DELAY, this.delay * 2);
    this.status("reconnecting", { wait, why });
    this.retryTimer = setTimeout(() => this.connect(), wait);
  }

  /** Stop applying frames (replay is showing the past); release() catches up from a fresh snapshot. */
  hold() {
    this.held = true;
  }

  release() {
    if (!this.held) return;
    this.held = false;
    this.resync("back to live");
  }

  /** Reconnect now instead of waiting out the back-off (the "Reconnect now" button). */
  reconnectNow() {
    if (this.socket) return;
    this.delay = FIRST_DELAY;
    this.connect();
  }

  receive(data) {
    this.receivedAt = Date.now();
    this.stats.frames += 1;
    this.stats.bytes += data.length || 0;
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      this.resync("unreadable frame");
      return;
    }
    if (this.held) {
      clearTimeout(this.snapshotTimer); // the server is alive; release() asks for a snapshot anyway
      return;
    }
    if (msg.type === "snapshot") {
      this.stats.snapshots += 1;
      this.awaitingSnapshot = false;
      clearTimeout(this.snapshotTimer);
      this.delay = FIRST_DELAY;
      this.store.loadSnapshot(msg);
      this.status("live");
    } else if (msg.type === "delta") {
      if (this.awaitingSnapshot) return; // the coming snapshot covers it
      const revision = this.store.revision;
      if (msg.from !== revision && msg.to <= revision) return; // already covered by the snapshot
      if (msg.from !== revision) {
        this.stats.gaps += 1;
        this.resync(`gap: had revision ${revision}, delta starts at ${msg.from}`);
        return;
      }
      this.stats.deltas += 1;
      this.store.applyDelta(msg);
    } else if (msg.type === "error") {
      this.status("error", { why: msg.message || "the server reported an error" });
    }
  }

  resync(why) {
    this.stats.resyncs += 1;
    this.awaitingSnapshot = true;
    this.status("resyncing", { why });
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ type: "resync" }));
      this.watchForSnapshot();
    }
  }

  // A snapshot that never comes (lost frame, wedged server) must not leave the page stale:
  // drop the socket and let the reconnect path start over.
  watchForSnapshot() {
    clearTimeout(this.snapshotTimer);
    const ws = this.socket;
    this.snapshotTimer = setTimeout(() => {
      if (this.socket === ws && this.awaitingSnapshot && ws) ws.close(4000, "no snapshot");
    }, SNAPSHOT_WAIT);
  }

  status(state, info = {}) {
    this.state = state;
    if (state === "live") this.planned = null;
    else if (state !== "error" && this.isPlanned()) {
      this.onStatus("resetting", { why: this.planned.text, text: this.planned.text });
      return;
    }
    this.onStatus(state, info);
  }
}
