// The classroom drawer: one tab per panel (lesson, failure timeline, traffic, replay, stepping).
//
// Each panel is a class of its own module extending DrawerPanel (panel.js), built with the
// page's context:
//   new Panel({ el, store, api, ui, cluster })
// and may define apply(batch) (called in the render loop with each frame's changes),
// shown() and hidden() (its tab was opened or left, or the drawer opened or closed).

import { PresenterPanel } from "./presenter.js";
import { RecoveryPanel } from "./recovery.js";
import { ReplayPanel } from "./replay.js";
import { ScenarioPanel } from "./scenario.js";
import { TrafficPanel } from "./traffic.js";

const PANELS = { scenario: ScenarioPanel, recovery: RecoveryPanel, traffic: TrafficPanel, replay: ReplayPanel, presenter: PresenterPanel };

export class Classroom {
  constructor({ el, toggle, store, api, ui, cluster }) {
    this.el = el;
    this.toggle = toggle;
    this.tabs = [...el.querySelectorAll('[role="tab"]')];
    this.panels = {};
    for (const [name, Panel] of Object.entries(PANELS)) {
      this.panels[name] = new Panel({ el: el.querySelector(`#panel-${name}`), store, api, ui, cluster });
    }
    this.current = "scenario";
    toggle.addEventListener("click", () => this.setOpen(el.hidden));
    for (const tab of this.tabs) {
      tab.addEventListener("click", () => this.show(tab.dataset.panel));
      tab.addEventListener("keydown", (event) => {
        const i = this.tabs.indexOf(tab);
        const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
        if (!step) return;
        event.preventDefault();
        const next = this.tabs[(i + step + this.tabs.length) % this.tabs.length];
        this.show(next.dataset.panel);
        next.focus();
      });
    }
  }

  get open() {
    return !this.el.hidden;
  }

  setOpen(open) {
    this.el.hidden = !open;
    this.toggle.setAttribute("aria-expanded", String(open));
    const panel = this.panels[this.current];
    if (open && panel.shown) panel.shown();
    if (!open && panel.hidden) panel.hidden();
  }

  /** Open the drawer on the named panel. */
  show(name) {
    if (!this.panels[name]) return;
    const before = this.panels[this.current];
    if (name !== this.current && this.open && before.hidden) before.hidden();
    this.current = name;
    for (const tab of this.tabs) {
      const on = tab.dataset.panel === name;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      this.el.querySelector(`#panel-${tab.dataset.panel}`).hidden = !on;
    }
    if (this.el.hidden) this.setOpen(true);
    else if (this.panels[name].shown) this.panels[name].shown();
  }

  apply(batch) {
    for (const panel of Object.values(this.panels)) {
      if (panel.apply) panel.apply(batch);
    }
  }
}
