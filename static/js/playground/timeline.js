// The event timeline: Kubernetes events as they happen, newest first, with filters.
// Each entry links to its object in the picture. The list keeps at most MAX_SHOWN entries in
// the DOM; an event whose count goes up moves back to the top.

import { h, setText } from "./dom.js";
import * as fmt from "./format.js";

const MAX_SHOWN = 200;

export class Timeline {
  constructor({ el, store, ui }) {
    this.el = el;
    this.store = store;
    this.ui = ui;
    this.list = el.querySelector("#timeline-list");
    this.typeSel = el.querySelector("#tl-type");
    this.kindSel = el.querySelector("#tl-kind");
    this.text = el.querySelector("#tl-text");
    this.countEl = el.querySelector("#tl-count");
    this.items = new Map(); // event key -> {li, sig}
    this.namespace = "";
    for (const input of [this.typeSel, this.kindSel]) input.addEventListener("change", () => this.rebuild());
    this.text.addEventListener("input", () => this.rebuild());
    this.list.addEventListener("click", (event) => {
      const link = event.target.closest("[data-select-kind]");
      if (link) this.ui.select(link.dataset.selectKind, link.dataset.selectKey, { reveal: true });
    });
  }

  setNamespace(ns) {
    this.namespace = ns;
    this.rebuild();
  }

  matches(e) {
    const type = this.typeSel.value;
    const kind = this.kindSel.value;
    const text = this.text.value.trim().toLowerCase();
    const obj = e.object || {};
    if (type && e.type !== type) return false;
    if (kind && obj.kind !== kind) return false;
    if (this.namespace && (obj.namespace || e.namespace) !== this.namespace) return false;
    if (text && !`${e.reason} ${e.message} ${obj.kind} ${obj.name} ${e.source}`.toLowerCase().includes(text)) return false;
    return true;
  }

  apply(batch) {
    if (batch.snapshot) return this.rebuild();
    const fresh = [];
    for (const change of batch.objects.values()) {
      if (change.kind !== "Event") continue;
      if (!change.view) {
        const item = this.items.get(change.key);
        if (item) {
          item.li.remove();
          this.items.delete(change.key);
        }
        continue;
      }
      fresh.push(change.view);
    }
    if (!fresh.length) return;
    fresh.sort((a, b) => (a.last || "").localeCompare(b.last || ""));
    // A burst of events: only the newest can stay in the list, so only those are drawn.
    for (const e of fresh.length > MAX_SHOWN ? fresh.slice(-MAX_SHOWN) : fresh) {
      if (!this.matches(e)) {
        const item = this.items.get(e.key);
        if (item) {
          item.li.remove();
          this.items.delete(e.key);
        }
        continue;
      }
      const item = this.render(e);
      if (this.list.firstElementChild !== item.li) this.list.prepend(item.li);
    }
    this.trim();
  }

  rebuild() {
    const events = [...this.store.all("Event").values()].filter((e) => this.matches(e))
      .sort((a, b) => (b.last || "").localeCompare(a.last || "")).slice(0, MAX_SHOWN);
    const keep = new Set(events.map((e) => e.key));
    for (const [key, item] of this.items) if (!keep.has(key)) this.items.delete(key);
    this.list.replaceChildren(...events.map((e) => this.render(e).li));
    this.updateCount();
  }

  render(e) {
    let item = this.items.get(e.key);
    const obj = e.object || {};
    const sig = `${e.last}|${e.count}|${e.message}|${e.type}`;
    if (item && item.sig === sig) return item;
    const key = fmt.objectKey(obj.namespace, obj.name);
    const li = h("li", { class: `ev ev-${(e.type || "Normal").toLowerCase()}`, "data-key": e.key },
      h("time", { datetime: e.last || "", text: fmt.clockTime(e.last) }),
      h("span", { class: "ev-type", text: e.type || "Normal" }),
      h("button", { type: "button", class: "link", "data-select-kind": obj.kind || "", "data-select-key": key, text: `${obj.kind || "?"} ${key}` }),
      h("span", { class: "ev-reason", text: e.reason || "" }),
      e.count > 1 ? h("span", { class: "ev-count", text: `×${e.count}` }) : null,
      h("span", { class: "ev-msg", text: e.message || "" }));
    if (item) item.li.replaceWith(li);
    item = { li, sig };
    this.items.set(e.key, item);
    return item;
  }

  trim() {
    while (this.list.children.length > MAX_SHOWN) {
      const last = this.list.lastElementChild;
      this.items.delete(last.dataset.key);
      last.remove();
    }
    this.updateCount();
  }

  updateCount() {
    setText(this.countEl, `${this.list.children.length} shown of ${this.store.all("Event").size}`);
  }
}
