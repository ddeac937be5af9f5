// Presenter controls: hold the cluster, let it take one step at a time, and show each step
// with who wrote it and why (the Events written with it).

import { h, setText } from "./dom.js";
import * as fmt from "./format.js";
import { DrawerPanel } from "./panel.js";

const REFRESH_MS = 300;

export class PresenterPanel extends DrawerPanel {
  constructor(context) {
    super(context);
    const { el } = context;
    this.mark = null; // the revision the step list starts after
    this.status = h("p", { class: "step-status", role: "status" });
    this.hold = h("button", { type: "button", id: "step-hold", "aria-pressed": "false", text: "Pause for stepping" });
    this.one = h("button", { type: "button", id: "step-one", class: "primary", text: "Step", disabled: true });
    this.five = h("button", { type: "button", id: "step-five", text: "Step ×5", disabled: true });
    this.list = h("ol", { class: "steps", id: "step-list", "aria-live": "polite" });
    el.append(
      h("p", { class: "muted", text: "Hold the simulation and move it one step at a time: each step is one component's pass — a controller's sync, the scheduler's bindings, the kubelets' reports — shown with the Events that say why. Your own actions and kubectl still go through at once." }),
      h("div", { class: "step-buttons" }, this.hold, this.one, this.five),
      this.status,
      this.list,
    );
    this.hold.addEventListener("click", () => this.toggle());
    this.one.addEventListener("click", () => this.step(1, this.one));
    this.five.addEventListener("click", () => this.step(5, this.five));
    this.showState();
  }

  get held() {
    const s = this.store.cluster && this.store.cluster.stepping;
    return !!(s && s.on);
  }

  toggle() {
    const on = !this.held;
    return this.ui.run(this.hold, on ? "Pausing…" : "Resuming…", async () => {
      const state = await this.api.request("POST", "/playground/stepping", { stepping: on });
      if (on) this.mark = state.revision;
      this.render(state);
      return state;
    }, () => on ? "Paused for stepping: nothing moves until you press Step." : "Running freely again.");
  }

  step(count, button) {
    return this.ui.run(button, "Stepping…", async () => {
      const state = await this.api.request("POST", `/playground/stepping/step${this.query()}`, { count });
      this.render(state);
      return state;
    });
  }

  query() {
    return this.mark == null ? "" : `?after=${this.mark}`;
  }

  async refresh() {
    this.timer = null;
    if (!this.visible) return;
    try {
      this.render(await this.api.request("GET", `/playground/stepping${this.query()}`));
    } catch (error) {
      setText(this.status, `Cannot read the steps: ${error.message}`);
    }
  }

  schedule() {
    if (this.visible && !this.timer) this.timer = setTimeout(() => this.refresh(), REFRESH_MS);
  }

  shown() {
    super.shown();
    if (this.mark == null && this.store.revision != null) this.mark = Math.max(0, this.store.revision - 200);
    this.refresh();
  }

  apply(batch) {
    if (batch.cluster) this.showState();
    if (batch.objects && batch.objects.size) this.schedule();
  }

  showState(state) {
    const held = state ? state.stepping : this.held;
    const known = state || (this.store.cluster && this.store.cluster.stepping) || {};
    const waiting = known.allowance || 0;
    const taken = known.taken ? ` · ${fmt.plural(known.taken, "step")} taken` : "";
    this.hold.textContent = held ? "Resume" : "Pause for stepping";
    this.hold.setAttribute("aria-pressed", String(held));
    this.one.disabled = !held;
    this.five.disabled = !held;
    this.el.classList.toggle("held", held);
    setText(this.status, held
      ? (waiting ? `Held${taken} · ${fmt.plural(waiting, "step")} waiting to be taken` : `Held${taken} · press Step to let the next component act`)
      : "Running freely");
  }

  render(state) {
    this.showState(state);
    const items = state.steps.map((step) => this.stepItem(step));
    this.list.replaceChildren(...items);
    const last = this.list.lastElementChild;
    if (last && this.visible) last.scrollIntoView({ block: "nearest" });
  }

  stepItem(step) {
    const when = fmt.clockTime(new Date(step.simTime * 1000).toISOString());
    const range = step.from === step.to ? `rev ${step.to}` : `rev ${step.from}–${step.to}`;
    return h("li", { class: "step", dataset: { actor: step.actor || "api" } },
      h("div", { class: "step-head" },
        h("strong", { class: "step-actor", text: step.actor || "API client" }),
        h("span", { class: "muted", text: ` ${when} · ${range}` })),
      h("ul", { class: "step-writes" }, ...step.writes.map((w) => h("li", {},
        h("button", { type: "button", class: "link", text: w.what, title: `${w.verb} ${w.kind}`,
          onclick: () => this.ui.select(w.kind, fmt.objectKey(w.namespace, w.name), { reveal: true }) })))),
      step.because.length ? h("ul", { class: "step-because" }, ...step.because.map((b) => h("li", { class: b.type === "Warning" ? "warning" : "" },
        h("span", { class: "reason", text: b.reason }), ` ${b.message}`))) : null);
  }
}
