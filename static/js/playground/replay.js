// Replay: scrub the picture back through the last minutes of the cluster and play it forward
// again, read-only; export the cluster as YAML and import such a file into a new cluster.
//
// The server rebuilds the past from the revision log (orchestrator/history/) in the live
// protocol, so the page draws it with the views that draw the present:
//   GET /playground/history?window=S   {oldest, newest, now: {revision, sim, wall}, points: [[rev, sim, wall]]}
//   GET /playground/history/R          a snapshot at revision R (with replay.sim, when it was)
//   GET /playground/history/F/T        {to, frames: [delta frames (F, T], each with replay.sim]}
// While replaying, the live feed is held (its frames are not applied) and actions are refused;
// "Back to live" releases it and the feed loads a fresh snapshot.

import { ApiError, fetchJson } from "./api.js";
import { h, setAttr, setText, toggleClass } from "./dom.js";
import * as fmt from "./format.js";
import { DrawerPanel } from "./panel.js";

const WINDOW = 600; // simulated seconds of history the scrubber spans
const REFRESH_MS = 5000; // how often the range follows the live cluster while the panel is shown
const TICK_MS = 100; // playback step
const SPEEDS = [1, 4];
const READ_ONLY = "Replay is read-only: press “Back to live” to change the cluster.";

function clockText(sim) {
  return Number.isFinite(sim) ? new Date(sim * 1000).toISOString().slice(11, 19) : "--:--:--";
}

function agoText(seconds) {
  if (!Number.isFinite(seconds)) return "";
  const s = Math.max(0, Math.round(seconds));
  return s < 120 ? `${s} s ago` : `${Math.floor(s / 60)} min ${s % 60} s ago`;
}

/** Simulated time of `revision`, interpolated between the index points around it. */
function simOf(points, revision) {
  if (!points.length) return NaN;
  let lo = 0;
  let hi = points.length - 1;
  if (revision <= points[lo][0]) return points[lo][1];
  if (revision >= points[hi][0]) return points[hi][1];
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (points[mid][0] <= revision) lo = mid;
    else hi = mid;
  }
  const [r0, s0] = points[lo];
  const [r1, s1] = points[hi];
  return s0 + ((s1 - s0) * (revision - r0)) / (r1 - r0);
}

export class ReplayPanel extends DrawerPanel {
  constructor(context) {
    super(context);
    this.range = null; // the last history range
    this.rangeAt = 0; // Date.now() when it came
    this.revision = null; // the revision shown; null: live
    this.sim = NaN; // simulated time of the revision shown
    this.loading = 0; // request counter: answers to older requests are dropped
    this.playing = null; // {frames, to, clock, at, fetching, nextFetch} while playing forward
    this.speed = 1;
    this.build();
  }

  build() {
    this.scrubber = h("input", { type: "range", id: "replay-scrubber", min: "0", max: "0", step: "1", value: "0", "aria-describedby": "replay-at" });
    this.at = h("p", { id: "replay-at", class: "replay-at", "aria-live": "polite" });
    this.oldest = h("span", { class: "muted" });
    this.newest = h("span", { class: "muted", text: "now" });
    this.play = h("button", { type: "button", id: "replay-play", "aria-pressed": "false", text: "Play" });
    this.speedButtons = SPEEDS.map((s) => h("button", { type: "button", class: "replay-speed", "aria-pressed": String(s === this.speed), dataset: { speed: String(s) }, text: `${s}×` }));
    this.live = h("button", { type: "button", id: "replay-live", class: "primary", text: "Back to live", disabled: true });
    this.importForm = this.buildImport();
    this.el.replaceChildren(
      h("h3", { text: "Replay" }),
      h("p", { class: "muted", text: "Drag back through the last minutes to see the cluster as it was, then play it forward. Nothing can be changed while replaying." }),
      h("label", { for: "replay-scrubber", class: "replay-label", text: "Revision shown" }),
      this.scrubber,
      h("div", { class: "replay-ends" }, this.oldest, this.newest),
      this.at,
      h("div", { class: "replay-buttons", role: "group", "aria-label": "Playback" }, this.play, ...this.speedButtons, h("span", { class: "grow" }), this.live),
      h("h3", { text: "Export and import" }),
      h("p", { class: "muted", text: "Export the machines and your objects as YAML; import such a file into a new cluster." }),
      h("div", { class: "replay-buttons" },
        h("a", { class: "button", id: "replay-export", href: `${this.api.base}/playground/export`, download: `cluster-${this.cluster}.yaml`, text: "Export YAML" }),
        this.importOpen = h("button", { type: "button", id: "replay-import-open", "aria-expanded": "false", "aria-controls": "replay-import", text: "Import into a new cluster…" })),
      this.importForm,
    );
    this.banner = h("div", { id: "replay-banner", class: "replay-banner", role: "status", hidden: true },
      this.bannerText = h("span"), h("button", { type: "button", text: "Back to live", onclick: () => this.backToLive() }));
    document.body.prepend(this.banner);

    this.scrubber.addEventListener("input", () => this.scrubbed(false));
    this.scrubber.addEventListener("change", () => this.scrubbed(true));
    this.scrubber.addEventListener("pointerdown", () => this.refresh());
    this.play.addEventListener("click", () => (this.playing ? this.pause() : this.startPlaying()));
    for (const button of this.speedButtons) button.addEventListener("click", () => this.setSpeed(Number(button.dataset.speed)));
    this.live.addEventListener("click", () => this.backToLive());
    this.importOpen.addEventListener("click", () => this.toggleImport(this.importForm.hidden));
  }

  buildImport() {
    const form = h("form", { id: "replay-import", class: "replay-import", hidden: true },
      h("label", { for: "replay-import-name", text: "New cluster name" }),
      h("input", { id: "replay-import-name", name: "name", required: true, pattern: "[a-z0-9]([a-z0-9\\-]*[a-z0-9])?", autocomplete: "off", placeholder: "e.g. lesson-copy" }),
      h("label", { for: "replay-import-file", text: "Exported YAML file" }),
      h("input", { id: "replay-import-file", name: "file", type: "file", accept: ".yaml,.yml,application/yaml,text/yaml" }),
      h("label", { for: "replay-import-text", text: "or paste it" }),
      h("textarea", { id: "replay-import-text", name: "yaml", rows: "6", spellcheck: "false", wrap: "off" }),
      this.importError = h("div", { class: "form-error", role: "alert", hidden: true }),
      this.importDone = h("p", { class: "replay-done", role: "status", hidden: true }),
      h("div", { class: "dialog-buttons" },
        h("button", { type: "button", text: "Cancel", onclick: () => this.toggleImport(false) }),
        h("button", { type: "submit", class: "primary", text: "Import" })));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submitImport(form);
    });
    return form;
  }

  // ---------------------------------------------------------------- drawer hooks
  shown() {
    super.shown();
    this.refresh();
    clearInterval(this.refreshTimer);
    this.refreshTimer = setInterval(() => this.refresh(), REFRESH_MS);
  }

  hidden() {
    super.hidden();
    clearInterval(this.refreshTimer);
  }

  apply() {
    if (this.revision !== null || !this.visible) return;
    if (this.range && this.store.revision > Number(this.scrubber.max)) {
      this.scrubber.max = String(this.store.revision);
      this.scrubber.value = this.scrubber.max;
    }
    this.label();
  }

  // ---------------------------------------------------------------- the range
  async refresh() {
    try {
      this.setRange(await this.api.request("GET", `/playground/history?window=${WINDOW}`));
    } catch (error) {
      setText(this.at, `History unavailable: ${error.message}`);
    }
  }

  setRange(range) {
    this.range = range;
    this.rangeAt = Date.now();
    this.scrubber.min = String(range.oldest.revision);
    this.scrubber.max = String(Math.max(range.newest.revision, this.revision ?? 0));
    if (this.revision === null) this.scrubber.value = this.scrubber.max;
    else this.scrubber.value = String(this.revision);
    setText(this.oldest, `${clockText(range.oldest.sim)} (${agoText(range.now.sim - range.oldest.sim)})`);
    this.label();
  }

  /** Simulated "now" of the live cluster, from the last range and the time since. */
  liveSim() {
    if (!this.range) return NaN;
    return this.range.now.sim + (Date.now() - this.rangeAt) / 1000;
  }

  label() {
    if (this.revision === null) {
      setText(this.at, `Live · rev ${this.store.revision ?? "?"}`);
      return;
    }
    const sim = Number.isFinite(this.sim) ? this.sim : simOf(this.range ? this.range.points : [], this.revision);
    const text = `${clockText(sim)} · ${agoText(this.liveSim() - sim)} · rev ${this.revision}`;
    setText(this.at, (this.playing ? "Playing " : "Showing ") + text);
    setText(this.bannerText, `Replay: ${clockText(sim)}, rev ${this.revision} — read-only`);
  }

  // ---------------------------------------------------------------- scrubbing
  scrubbed(settled) {
    const revision = Number(this.scrubber.value);
    this.pause();
    if (revision >= Number(this.scrubber.max) && this.range && revision >= this.range.newest.revision) {
      if (settled) this.backToLive();
      return;
    }
    // While dragging, the label follows at once; the picture follows when the drag rests.
    setText(this.at, `${clockText(simOf(this.range ? this.range.points : [], revision))} · rev ${revision}`);
    clearTimeout(this.scrubTimer);
    this.scrubTimer = setTimeout(() => this.show(revision), settled ? 0 : 200);
  }

  enter() {
    if (this.revision !== null) return;
    this.ui.setReadOnly(READ_ONLY);
    this.banner.hidden = false;
    this.live.disabled = false;
    toggleClass(this.el, "replaying", true);
  }

  /** Draw the cluster as it was at `revision`. */
  async show(revision) {
    const ticket = ++this.loading;
    try {
      const snapshot = await this.api.request("GET", `/playground/history/${revision}`);
      if (ticket !== this.loading) return;
      this.enter();
      this.revision = snapshot.revision;
      this.sim = snapshot.replay.sim;
      this.store.loadSnapshot(snapshot);
      this.scrubber.value = String(this.revision);
      this.label();
    } catch (error) {
      if (ticket !== this.loading) return;
      this.ui.toast(`Cannot replay revision ${revision}: ${error.message}`, "error");
      if (error.code === 410) this.refresh();
    }
  }

  backToLive() {
    this.pause();
    this.loading += 1;
    clearTimeout(this.scrubTimer);
    if (this.revision === null) return;
    this.revision = null;
    this.sim = NaN;
    this.banner.hidden = true;
    this.live.disabled = true;
    toggleClass(this.el, "replaying", false);
    this.ui.setReadOnly(null);
    if (this.range) this.scrubber.value = this.scrubber.max;
    this.label();
    this.refresh();
  }

  // ---------------------------------------------------------------- playing forward
  setSpeed(speed) {
    this.speed = speed;
    for (const b of this.speedButtons) setAttr(b, "aria-pressed", String(Number(b.dataset.speed) === speed));
  }

  async startPlaying() {
    if (this.revision === null) {
      this.ui.toast("Drag the scrubber back first: playing starts from the past.", "error");
      return;
    }
    this.playing = { frames: [], to: this.revision, clock: this.sim, at: performance.now(), fetching: false, nextFetch: 0 };
    setText(this.play, "Pause");
    setAttr(this.play, "aria-pressed", "true");
    this.label();
    await this.fetchFrames();
    if (this.playing) this.playTimer = setInterval(() => this.tick(), TICK_MS);
  }

  pause() {
    if (!this.playing) return;
    this.playing = null;
    clearInterval(this.playTimer);
    setText(this.play, "Play");
    setAttr(this.play, "aria-pressed", "false");
    this.label();
  }

  /** Fetch the frames from where playing got to up to the newest revision (at most once a second). */
  async fetchFrames() {
    const playing = this.playing;
    if (!playing || playing.fetching || performance.now() < playing.nextFetch) return;
    playing.fetching = true;
    playing.nextFetch = performance.now() + 1000;
    try {
      await this.refresh();
      const newest = this.range ? this.range.newest.revision : playing.to;
      if (newest > playing.to) {
        const deltas = await this.api.request("GET", `/playground/history/${playing.to}/${newest}`);
        if (this.playing !== playing) return;
        playing.frames.push(...deltas.frames);
        playing.to = deltas.to;
      }
    } catch (error) {
      this.ui.toast(`Cannot play forward: ${error.message}`, "error");
      this.pause();
    } finally {
      playing.fetching = false;
    }
  }

  /** Apply the frames whose moment the playback clock has reached. */
  tick() {
    const playing = this.playing;
    if (!playing) return;
    const now = performance.now();
    playing.clock += ((now - playing.at) / 1000) * this.speed;
    playing.at = now;
    let applied = false;
    while (playing.frames.length && playing.frames[0].replay.sim <= playing.clock) {
      const frame = playing.frames.shift();
      if (frame.from !== this.store.revision) continue; // already drawn
      this.store.applyDelta(frame);
      this.revision = frame.to;
      this.sim = frame.replay.sim;
      applied = true;
    }
    if (!applied) this.sim = Math.max(this.sim, Math.min(playing.clock, this.liveSim()));
    this.scrubber.value = String(this.revision);
    this.label();
    if (!playing.frames.length && !playing.fetching) {
      if (this.range && this.revision >= this.range.newest.revision && playing.clock >= this.liveSim()) {
        this.pause();
        setText(this.at, `Caught up with the present at rev ${this.revision}: press “Back to live”.`);
      } else {
        this.fetchFrames();
      }
    }
  }

  // ---------------------------------------------------------------- import
  toggleImport(open) {
    this.importForm.hidden = !open;
    setAttr(this.importOpen, "aria-expanded", String(open));
    if (open) {
      this.importError.hidden = true;
      this.importDone.hidden = true;
      this.importForm.querySelector("input[name=name]").focus();
    }
  }

  async submitImport(form) {
    const name = form.name.value.trim();
    const file = form.file.files && form.file.files[0];
    const text = file ? await file.text() : form.yaml.value;
    this.importError.hidden = true;
    this.importDone.hidden = true;
    if (!text.trim()) {
      this.showImportError(new ApiError(400, "BadRequest", "Choose an exported YAML file or paste one."));
      return;
    }
    const submit = form.querySelector("[type=submit]");
    submit.disabled = true;
    submit.setAttribute("aria-busy", "true");
    try {
      const created = await fetchJson("POST", `/clusters/import?name=${encodeURIComponent(name)}`, text, "application/yaml");
      const objects = (created.imported || []).length;
      this.importDone.replaceChildren(`Cluster ${created.name} created with ${fmt.plural(objects, "object")}: `,
        h("a", { href: `/clusters/${encodeURIComponent(created.name)}/playground/`, text: `open ${created.name}` }));
      this.importDone.hidden = false;
      this.ui.toast(`Imported into the new cluster ${created.name}.`, "ok");
    } catch (error) {
      this.showImportError(error);
    } finally {
      submit.disabled = false;
      submit.removeAttribute("aria-busy");
    }
  }

  showImportError(error) {
    const causes = error.causes || [];
    this.importError.replaceChildren(h("p", { class: "error-message", text: error.message }),
      causes.length ? h("ul", { class: "causes" }, ...causes.map((c) => h("li", {},
        c.line ? `line ${c.line}: ` : "", c.field ? h("code", { text: c.field }) : null, ` ${c.message || c.reason || ""}`))) : null);
    this.importError.hidden = false;
  }
}
