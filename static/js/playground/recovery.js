// The failure timeline: what followed the latest incident (a machine switched off, a component
// stopped, a rolling update), read from the revision log by the control API. Steps appear as they
// happen with simulated and wall times and link to their object; the node monitor grace period
// and the pods' tolerations run as countdown bars on the simulated clock, each with a
// Fast-forward that jumps the clock to its end.

import { h, setAttr, setText, toggleClass } from "./dom.js";
import * as fmt from "./format.js";
import { DrawerPanel } from "./panel.js";

const REFRESH_MS = 500; // at most two reads a second while the panel is shown
const TICK_MS = 200; // countdown bars move this often
const MARGIN_S = 0.1; // fast-forward just past the end
const HOP_POLL_MS = 250; // between hops, look for the live nodes' next heartbeat this often
const RELEVANT = new Set(["Node", "Pod", "ReplicaSet", "Deployment", "Endpoints", "Service", "Event"]);
const LINKED = { Endpoints: "Service", Lease: "Node" }; // objects the details pane does not show, and what it shows instead
const MARKS = {
  heartbeat: "♥", start: "⚡", "not-ready": "✗", taint: "⚑", untainted: "⚐", evicted: "⏏", created: "+", scheduled: "→",
  running: "▶", ready: "✓", endpoints: "⇄", "powered-on": "↺", "node-ready": "✓", pending: "…", deleted: "−",
  started: "▶", "new-replicaset": "+", scale: "↕", recovered: "★", settled: "★", complete: "★", superseded: "↷",
};

export class RecoveryPanel extends DrawerPanel {
  constructor(context) {
    super(context);
    const { el } = context;
    this.ticker = null;
    this.lastRead = 0;
    this.reads = 0;
    this.chosen = null; // the start revision picked in the list; null follows the latest
    this.incident = null;
    this.clock = null; // {now (s), at (ms), speed, paused}: the simulated clock the bars run on
    this.items = new Map(); // step key -> <li>

    this.picker = h("select", { id: "rc-incident" });
    this.status = h("p", { class: "rc-status", role: "status" });
    this.title = h("h3", { class: "rc-title", id: "rc-title" });
    this.outcome = h("p", { class: "rc-outcome", id: "rc-outcome", role: "status" });
    this.timers = h("div", { class: "rc-timers", id: "rc-timers" });
    this.list = h("ol", { class: "rc-steps", id: "rc-steps", "aria-labelledby": "rc-title" });
    el.append(
      h("p", { class: "muted", text: "Switch a machine off, stop a component or change a Deployment's image: what Kubernetes does about it appears here step by step, with its simulated time (and the wall time it took)." }),
      h("label", { class: "field-inline rc-pick" }, "Incident ", this.picker),
      this.status, this.title, this.outcome, this.timers, this.list,
    );
    this.picker.addEventListener("change", () => {
      this.chosen = this.picker.value === "" ? null : Number(this.picker.value);
      this.refresh();
    });
  }

  shown() {
    super.shown();
    this.refresh();
    if (!this.ticker) this.ticker = setInterval(() => this.tick(), TICK_MS);
  }

  hidden() {
    super.hidden();
    clearInterval(this.ticker);
    this.ticker = null;
  }

  apply(batch) {
    if (!this.visible) return;
    if (batch.cluster) this.rebase();
    let relevant = batch.snapshot;
    if (!relevant) for (const change of batch.objects.values()) if (RELEVANT.has(change.kind)) { relevant = true; break; }
    if (relevant) this.schedule();
  }

  /** Read again soon, at most once per REFRESH_MS. */
  schedule() {
    if (this.timer) return;
    const wait = Math.max(0, this.lastRead + REFRESH_MS - Date.now());
    this.timer = setTimeout(() => this.refresh(), wait);
  }

  async refresh() {
    this.cancelTimer();
    if (!this.visible) return;
    this.lastRead = Date.now();
    const read = ++this.reads; // a slower older read must not overwrite a newer one
    try {
      const { incidents } = await this.api.request("GET", "/playground/incidents");
      if (read !== this.reads) return;
      this.renderPicker(incidents);
      const start = this.chosen ?? (incidents[0] ? incidents[0].start_revision : null);
      const incident = start == null ? null : await this.api.request("GET", `/playground/incidents/${start}`);
      if (read === this.reads) this.render(incident);
    } catch (error) {
      if (read === this.reads) setText(this.status, `Cannot read the timeline: ${error.message}`);
    }
  }

  renderPicker(incidents) {
    const options = [h("option", { value: "", text: "Latest, as it happens" }),
      ...incidents.map((i) => h("option", { value: String(i.start_revision), text: `${simClock(i.sim_time)} · ${i.title}` }))];
    const sig = incidents.map((i) => i.start_revision).join(",");
    if (this.picker.dataset.sig !== sig) {
      this.picker.dataset.sig = sig;
      this.picker.replaceChildren(...options);
    }
    this.picker.value = this.chosen == null ? "" : String(this.chosen);
  }

  render(incident) {
    if (!incident) {
      this.incident = null;
      this.items.clear();
      this.list.replaceChildren();
      this.timers.replaceChildren();
      setText(this.title, "");
      setText(this.outcome, "");
      setText(this.status, "Nothing has happened yet. Power a worker off (its ⏻ button) to watch the cluster recover.");
      return;
    }
    if (!this.incident || this.incident.start_revision !== incident.start_revision) {
      this.items.clear();
      this.list.replaceChildren();
    }
    this.incident = incident;
    this.clock = { now: incident.now_sim, at: Date.now(), speed: incident.clock.speed, paused: incident.clock.paused };
    this.rebase();
    setText(this.title, incident.title);
    setText(this.status, incident.done ? "" : `In progress · ${fmt.plural(incident.steps.length, "step")} so far${incident.truncated ? " (only the first part of the log was read)" : ""}`);
    setText(this.outcome, incident.outcome ? `${incident.outcome.label} · ${incident.outcome.wall_seconds.toFixed(1)} s on the wall clock` : "");
    toggleClass(this.el, "rc-done", incident.done);
    this.renderSteps(incident.steps);
    this.renderTimers(incident.countdowns);
  }

  renderSteps(steps) {
    let added = null;
    for (const step of steps) {
      const key = `${step.revision}|${step.type}|${step.ref.name}`;
      const text = this.stepText(step);
      let li = this.items.get(key);
      if (li && li.dataset.text === text) continue;
      const fresh = this.stepItem(step, text);
      if (li) li.replaceWith(fresh);
      else {
        this.list.append(fresh);
        added = fresh;
      }
      this.items.set(key, fresh);
    }
    if (added && this.visible && !this.list.contains(document.activeElement)) added.scrollIntoView({ block: "nearest" });
  }

  stepText(step) {
    const measured = "surge" in step ? ` · surge ${step.surge}, unavailable ${step.unavailable}` : "";
    return `${step.label}${measured}`;
  }

  stepItem(step, text) {
    const target = this.linkFor(step.ref);
    const label = target
      ? h("button", { type: "button", class: "link rc-label", text, title: `Show ${target.kind} ${target.key}`,
        onclick: () => this.ui.select(target.kind, target.key, { reveal: true }) })
      : h("span", { class: "rc-label", text });
    const outcome = ["recovered", "settled", "complete"].includes(step.type);
    return h("li", { class: `rc-step${outcome ? " rc-final" : ""}`, dataset: { type: step.type, text } },
      h("span", { class: "rc-mark", "aria-hidden": "true", text: MARKS[step.type] || "•" }),
      h("span", { class: "rc-when" },
        h("strong", { text: `${signed(step.since_sim)} s` }), " sim ",
        h("span", { class: "muted", text: `· ${signed(step.since_wall)} s wall` })),
      label,
      h("span", { class: "rc-meta muted", text: `${step.actor || "API client"} · ${simClock(step.sim_time)} · rev ${step.revision}` }));
  }

  /** The object a step's link selects in the picture: Events go to their node, Endpoints to their Service. */
  linkFor(ref) {
    let kind = LINKED[ref.kind] || ref.kind;
    let { namespace, name } = ref;
    if (kind === "Event") {
      const subject = this.incident && this.incident.subject;
      if (!subject || subject.kind !== "Node") return null;
      ({ kind, namespace, name } = subject);
    }
    if (kind === "Node") namespace = "";
    return { kind, key: fmt.objectKey(namespace, name) };
  }

  renderTimers(countdowns) {
    // Keep the rows (and the focus on a button) while only the clock moves.
    const sig = JSON.stringify(countdowns);
    if (this.timers.dataset.sig !== sig) {
      const focused = [...this.timers.querySelectorAll(".rc-ff")].indexOf(document.activeElement);
      const rows = countdowns.map((c, i) => this.timerRow(c, i));
      this.timers.dataset.sig = sig;
      this.timers.replaceChildren(...rows);
      if (focused >= 0 && rows[focused]) rows[focused].parts.button.focus();
    }
    this.tick();
  }

  timerRow(countdown, i) {
    const id = `rc-timer-${i}`;
    const button = h("button", { type: "button", class: "rc-ff", text: "Fast-forward", "aria-describedby": id,
      onclick: () => this.fastForward(countdown, button) });
    const fill = h("span", { class: "rc-fill" });
    const bar = h("span", { class: "rc-bar", role: "progressbar", "aria-labelledby": id, "aria-valuemin": "0" }, fill);
    const left = h("span", { class: "rc-left" });
    const row = h("div", { class: "rc-timer" },
      h("div", { class: "rc-timer-head" }, h("span", { id, text: countdown.label }), left),
      h("div", { class: "rc-timer-row" }, bar, button));
    row.countdown = countdown;
    row.parts = { fill, bar, left, button };
    return row;
  }

  /** Follow the page's clock (speed, pause) as frames bring it. */
  rebase() {
    const clock = this.store.cluster && this.store.cluster.clock;
    if (!clock || !this.clock) return;
    const now = this.simNow();
    this.clock = { now, at: Date.now(), speed: clock.speed ?? this.clock.speed, paused: !!clock.paused };
  }

  simNow() {
    const c = this.clock;
    if (!c) return NaN;
    return c.paused ? c.now : c.now + ((Date.now() - c.at) / 1000) * c.speed;
  }

  tick() {
    const now = this.simNow();
    if (Number.isNaN(now)) return;
    for (const row of this.timers.children) {
      const c = row.countdown;
      const { fill, bar, left, button } = row.parts;
      const total = c.ends_sim - c.starts_sim;
      const gone = Math.min(total, Math.max(0, now - c.starts_sim));
      const remaining = Math.max(0, c.ends_sim - now);
      fill.style.width = `${total > 0 ? (100 * gone) / total : 100}%`;
      setAttr(bar, "aria-valuemax", total.toFixed(1));
      setAttr(bar, "aria-valuenow", gone.toFixed(1));
      setAttr(bar, "aria-valuetext", c.done ? "done" : `${remaining.toFixed(1)} s left`);
      setText(left, c.done ? "done" : remaining > 0 ? `${remaining.toFixed(1)} s left` : "time is up · the controller acts on its next pass");
      toggleClass(row, "rc-timer-done", c.done);
      button.disabled = c.done || remaining <= 0 || button.getAttribute("aria-busy") === "true";
    }
  }

  /**
   * Jump the simulated clock to the countdown's end. Long jumps go in hops of at most
   * `fast_forward.max_jump`, each after the live nodes heartbeat at the new time, so that
   * only the silent node looks silent to the node controller.
   */
  fastForward(countdown, button) {
    const start = this.incident.start_revision;
    return this.ui.run(button, "Fast-forwarding…", async () => {
      let moved = 0;
      let waitUntil = 0; // wall ms: give up waiting for a heartbeat (no live node) after this
      let jumpedTo = null;
      for (;;) {
        const detail = await this.api.request("GET", `/playground/incidents/${start}`);
        const ff = detail.fast_forward;
        const left = countdown.ends_sim - detail.now_sim;
        if (left <= 0) break;
        const beaten = jumpedTo == null || (ff.heartbeat_sim ?? 0) >= jumpedTo || Date.now() > waitUntil;
        if (!beaten) {
          await sleep(HOP_POLL_MS);
          continue;
        }
        const hop = Math.min(left + MARGIN_S, ff.max_jump);
        const clock = await this.api.setClock({ advance: hop });
        moved += hop;
        jumpedTo = Date.parse(clock.now) / 1000;
        const speed = clock.paused ? 1 : clock.speed || 1;
        waitUntil = Date.now() + 1000 * (ff.heartbeat_every / speed + 1);
      }
      this.refresh();
      return moved;
    }, (moved) => `Simulated clock moved ${moved.toFixed(1)} s ahead: ${countdown.label.split(":")[0]} is over.`);
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function signed(seconds) {
  return `${seconds < 0 ? "−" : "+"}${Math.abs(seconds).toFixed(1)}`;
}

function simClock(seconds) {
  return fmt.clockTime(new Date(seconds * 1000).toISOString());
}
