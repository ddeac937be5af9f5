// The lesson panel: pick a guided scenario, follow its steps, see each step's checks live.
//
// The server keeps the run (GET /playground/scenario evaluates the current step's conditions
// and moves on when they hold); this panel asks while it is shown, at most every CHECK_MS and
// sooner after the cluster changed, and draws what it is told.

import { append, h, setText } from "./dom.js";
import * as fmt from "./format.js";
import { DrawerPanel } from "./panel.js";

const CHECK_MS = 1000; // while the panel is shown
const AFTER_CHANGE_MS = 300; // a frame of changes asks again this soon

export class ScenarioPanel extends DrawerPanel {
  constructor(context) {
    super(context);
    const { el } = context;
    this.busy = false;
    this.state = null; // the last GET /playground/scenario
    this.signature = "";

    this.announce = h("p", { class: "sr-only", role: "status", "aria-live": "polite" });
    this.chooser = h("div", { class: "sc-chooser", id: "scenario-chooser" });
    this.run = h("div", { class: "sc-run", id: "scenario-run", hidden: true });
    el.append(this.announce, this.chooser, this.run);
  }

  // ------------------------------------------------------------ life cycle
  shown() {
    super.shown();
    this.refresh(true);
  }

  apply(batch) {
    if (this.visible && this.state && this.state.active && batch.objects && batch.objects.size) this.schedule(AFTER_CHANGE_MS);
  }

  schedule(ms) {
    if (!this.visible) return;
    if (this.timer && ms >= CHECK_MS) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), ms);
  }

  /** Ask for the run (and the list of lessons when none runs: always when `relist`). */
  async refresh(relist = false) {
    this.cancelTimer();
    if (this.busy) return;
    this.busy = true;
    try {
      const state = await this.api.request("GET", "/playground/scenario");
      if (state.active) this.showRun(state);
      else await this.showChooser(relist, state.problem);
    } catch (error) {
      this.chooser.hidden = false;
      this.chooser.replaceChildren(h("p", { class: "form-error", role: "alert", text: `Cannot read the lesson: ${error.message}` }));
    } finally {
      this.busy = false;
      if (this.state && this.state.active && this.state.phase !== "finished") this.schedule(CHECK_MS);
    }
  }

  // ------------------------------------------------------------ choosing a scenario
  async showChooser(relist, problem) {
    const wasRunning = !this.state || this.state.active;
    this.state = { active: false };
    this.signature = "";
    this.run.hidden = true;
    this.chooser.hidden = false;
    if (!relist && !wasRunning && this.chooser.childElementCount) return;
    const listing = await this.api.request("GET", "/playground/scenarios");
    const items = listing.scenarios.map((s) => h("li", { class: "sc-choice" },
      h("button", { type: "button", class: "sc-start", dataset: { name: s.name },
        onclick: (event) => this.start(s.name, event.currentTarget) },
        h("strong", { text: s.title }),
        h("span", { class: "muted", text: ` · ${fmt.plural(s.steps, "step")}${s.source === "teacher" ? " · your own" : ""}` })),
      h("p", { class: "sc-summary", text: s.summary })));
    const errors = listing.errors.map((e) => h("li", {},
      h("code", { text: e.file }), e.line ? ` line ${e.line}: ` : ": ", e.problem));
    this.chooser.replaceChildren(...[
      problem ? h("p", { class: "form-error", role: "alert", text: problem }) : null,
      h("p", { class: "muted", text: "Pick a lesson. Starting one resets this cluster and sets the lesson up in it; each step explains what Kubernetes does and checks the outcome live." }),
      h("ul", { class: "sc-list", id: "scenario-list" }, ...items),
      errors.length ? h("section", { class: "sc-errors", "aria-labelledby": "sc-errors-title" },
        h("h3", { id: "sc-errors-title", text: "Scenario files with problems" }),
        h("ul", { id: "scenario-errors" }, ...errors)) : null,
    ].filter(Boolean));
  }

  /** Start a lesson named by a link (the landing page's "Start a lesson"), once the panel has read its state. */
  async launch(name) {
    const deadline = Date.now() + 10000;
    while (this.busy && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    return this.start(name, null);
  }

  start(name, button) {
    if (this.ui.expectReset) this.ui.expectReset("setting up the lesson…");
    return this.ui.run(button, "Setting up…", () => this.api.request("POST", "/playground/scenario", { name }), (state) => {
      this.showRun(state);
      this.schedule(CHECK_MS);
      const first = this.run.querySelector("h2");
      if (first) first.focus();
      return `Lesson "${state.title}" set up: the cluster was reset.`;
    }, () => {
      if (this.ui.expectReset) this.ui.expectReset(null);
    });
  }

  // ------------------------------------------------------------ a running scenario
  showRun(state) {
    const before = this.state;
    this.state = state;
    this.chooser.hidden = true;
    this.run.hidden = false;
    this.run.dataset.phase = state.phase;
    this.run.dataset.name = state.name;
    const signature = JSON.stringify([state.name, state.started, state.phase, state.current, state.steps.map((s) => [s.status, s.skipped, s.message]), state.checks]);
    if (signature === this.signature) return;
    this.signature = signature;
    this.speakProgress(before, state);
    const focused = this.el.contains(document.activeElement) ? document.activeElement.dataset.focusKey : null;
    this.run.replaceChildren(...[
      h("header", { class: "sc-head" },
        h("h2", { tabindex: "-1", text: state.title }),
        h("p", { class: "sc-summary", text: state.summary }),
        h("p", { class: "muted", text: this.progressText(state) })),
      state.phase === "setup" ? this.setupBlock(state) : null,
      h("ol", { class: "sc-steps", id: "scenario-steps" }, ...state.steps.map((step) => this.stepItem(state, step))),
      state.phase === "finished" ? h("p", { class: "sc-finished", role: "status", text: `Lesson complete${this.totalText(state)}.` }) : null,
      h("div", { class: "sc-buttons" },
        h("button", { type: "button", id: "scenario-reset", dataset: { focusKey: "reset" }, text: "Reset scenario",
          title: "Reset the cluster and start this lesson again", onclick: (e) => this.restart(e.currentTarget) }),
        h("button", { type: "button", id: "scenario-leave", dataset: { focusKey: "leave" }, text: "Other lessons",
          title: "Leave the lesson; the cluster stays as it is", onclick: (e) => this.leave(e.currentTarget) })),
    ].filter(Boolean));
    if (focused) {
      const again = this.run.querySelector(`[data-focus-key="${focused}"]`);
      if (again) again.focus();
    }
    const moved = !before || !before.active || before.name !== state.name || before.current !== state.current || before.phase !== state.phase;
    if (moved) this.revealCurrent();
  }

  /** Scroll the panel so the current step starts at its top and its "Do it" is in view. */
  revealCurrent() {
    const step = this.run.querySelector(".sc-step.current") || this.run.querySelector(".sc-setup, .sc-finished");
    if (!step || !this.visible) return;
    const panel = this.el;
    const box = panel.getBoundingClientRect();
    const s = step.getBoundingClientRect();
    let top = panel.scrollTop + (s.top - box.top) - 6;
    const buttons = step.querySelector(".sc-step-buttons");
    if (buttons) {
      const bottom = buttons.getBoundingClientRect().bottom - (s.top - box.top - 6);
      if (bottom > box.bottom - 4) top += bottom - box.bottom + 8;
    }
    panel.scrollTop = Math.max(0, top);
  }

  progressText(state) {
    const done = state.steps.filter((s) => s.status === "done").length;
    if (state.phase === "setup") return "Setting the cluster up…";
    return `${done} of ${state.steps.length} steps done · ${state.profile} timing`;
  }

  totalText(state) {
    const first = state.setup.done;
    const last = state.steps.length ? state.steps[state.steps.length - 1].done : null;
    if (!first || !last) return "";
    return ` in ${seconds(last.sim_time - first.sim_time)} simulated (${seconds(last.wall_time - first.wall_time)} on the wall clock)`;
  }

  setupBlock(state) {
    return h("section", { class: "sc-setup", "aria-label": "Setting up" },
      h("p", {}, h("strong", { text: "Setting up: " }), "waiting until the cluster is ready for the first step."),
      this.checkList(state.checks),
      h("button", { type: "button", class: "link", dataset: { focusKey: "skip-setup" }, text: "Start without waiting",
        onclick: (e) => this.next(e.currentTarget) }));
  }

  stepItem(state, step) {
    const current = step.status === "current";
    const number = step.index + 1;
    const mark = step.status === "done" ? (step.skipped ? "skipped" : "done") : current ? "now" : "";
    const item = h("li", { class: `sc-step ${step.status}`, dataset: { index: step.index, status: step.status }, "aria-current": current ? "step" : null },
      h("h3", { class: "sc-step-title" },
        h("span", { class: "sc-num", "aria-hidden": "true", text: step.status === "done" ? (step.skipped ? "–" : "✓") : String(number) }),
        h("span", { text: step.title }),
        mark ? h("span", { class: `sc-mark ${mark}`, text: mark === "now" ? "current step" : mark }) : null));
    if (step.status === "done") {
      if (step.took && !step.skipped) item.append(h("p", { class: "muted sc-took", text: `done in ${seconds(step.took.sim)} simulated · ${seconds(step.took.wall)} wall` }));
      item.append(h("details", {}, h("summary", { text: "What happened" }), h("p", { class: "sc-explain", text: step.explanation })));
      return item;
    }
    if (!current) return item;
    append(item, [
      h("p", { class: "sc-explain", text: step.explanation }),
      step.hint ? h("p", { class: "sc-hint" }, h("span", { class: "muted", text: "Try: " }),
        step.hint.startsWith("kubectl") ? h("code", { text: step.hint }) : step.hint) : null,
      step.message ? h("p", { class: "sc-message", text: `Done: ${step.message}` }) : null,
      h("p", { class: "sc-watch", text: step.action ? "The step is done when:" : "Watch until:" }),
      this.checkList(state.checks),
      h("div", { class: "sc-step-buttons" },
        step.action ? h("button", { type: "button", class: "primary sc-do", dataset: { focusKey: `do-${step.index}` },
          text: `Do it: ${step.action.label}`, onclick: (e) => this.act(e.currentTarget) }) : null,
        h("button", { type: "button", class: "sc-next", dataset: { focusKey: `next-${step.index}` }, text: "Skip to the next step",
          onclick: (e) => this.next(e.currentTarget) }))]);
    return item;
  }

  checkList(checks) {
    return h("ul", { class: "sc-checks" }, ...checks.map((c) => h("li", { class: c.satisfied ? "ok" : "waiting", dataset: { ok: String(c.satisfied) } },
      h("span", { class: "sc-check-mark", "aria-hidden": "true", text: c.satisfied ? "✓" : "…" }),
      h("span", { class: "sr-only", text: c.satisfied ? "met: " : "not yet: " }),
      h("span", { class: "sc-condition", text: c.condition }),
      h("span", { class: "sc-detail muted", text: ` — now: ${c.detail}` }))));
  }

  speakProgress(before, state) {
    if (!before || !before.active || before.name !== state.name) return;
    if (before.phase === "setup" && state.phase !== "setup") setText(this.announce, "The cluster is set up: step 1 is next.");
    else if (state.phase === "finished" && before.phase !== "finished") setText(this.announce, "Lesson complete.");
    else if (state.current != null && before.current != null && state.current > before.current) setText(this.announce, `Step ${before.current + 1} done. Step ${state.current + 1}: ${state.steps[state.current].title}.`);
  }

  // ------------------------------------------------------------ actions
  act(button) {
    return this.ui.run(button, "Working…", () => this.api.request("POST", "/playground/scenario/action", {}), (result) => {
      this.showRun(result.scenario);
      this.schedule(AFTER_CHANGE_MS);
      return result.message;
    });
  }

  next(button) {
    return this.ui.run(button, "Moving on…", () => this.api.request("POST", "/playground/scenario/next", {}), (state) => {
      this.showRun(state);
      this.schedule(CHECK_MS);
      return null;
    });
  }

  restart(button) {
    return this.start(this.state.name, button);
  }

  leave(button) {
    return this.ui.run(button, "Leaving…", async () => {
      await this.api.request("DELETE", "/playground/scenario");
      await this.showChooser(true);
      const first = this.chooser.querySelector("button");
      if (first) first.focus();
    }, () => "Left the lesson; the cluster stays as it is.");
  }
}

function seconds(s) {
  return s < 10 ? `${s.toFixed(1)} s` : s < 120 ? `${Math.round(s)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}
