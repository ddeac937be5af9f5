// The details panel: status, YAML, events, logs and the scheduler's reasoning for one object.
// What the live feed already knows shows at once; the rest comes from
// GET /clusters/<c>/playground/objects/<Kind>/<namespace or ->/<name> and is fetched again
// (at most every 1.5 s) while the object keeps changing.

import { h, setText } from "./dom.js";
import * as fmt from "./format.js";
import { podStatusText } from "./podstate.js";
import { ref } from "./store.js";

const TABS = {
  Pod: ["status", "yaml", "events", "logs", "scheduling"],
  default: ["status", "yaml", "events"],
};
const TAB_NAMES = { status: "Status", yaml: "YAML", events: "Events", logs: "Logs", scheduling: "Scheduling" };
const REFETCH_MS = 1500;

export class DetailsPanel {
  constructor({ el, store, api, ui }) {
    this.el = el;
    this.store = store;
    this.api = api;
    this.ui = ui;
    this.title = el.querySelector("#details-title");
    this.subtitle = el.querySelector("#details-subtitle");
    this.actions = el.querySelector("#details-actions");
    this.tabs = el.querySelector("#details-tabs");
    this.body = el.querySelector("#details-body");
    this.kind = null;
    this.key = null;
    this.tab = "status";
    this.data = null;
    this.error = null;
    this.loading = false;
    this.seq = 0;
    this.lastFetch = 0;
    this.fetchTimer = null;
    this.actionSig = "";
    el.querySelector("#details-close").addEventListener("click", () => this.ui.select(null));
    this.tabs.addEventListener("click", (event) => {
      const button = event.target.closest("[data-tab]");
      if (button) this.showTab(button.dataset.tab, true);
    });
    this.tabs.addEventListener("keydown", (event) => {
      const names = [...this.tabs.querySelectorAll("[data-tab]")];
      const i = names.findIndex((b) => b.dataset.tab === this.tab);
      let j = null;
      if (event.key === "ArrowRight") j = (i + 1) % names.length;
      else if (event.key === "ArrowLeft") j = (i - 1 + names.length) % names.length;
      if (j === null) return;
      event.preventDefault();
      this.showTab(names[j].dataset.tab, true);
    });
    this.body.addEventListener("click", (event) => {
      const link = event.target.closest("[data-select-kind]");
      if (link) this.ui.select(link.dataset.selectKind, link.dataset.selectKey, { reveal: true });
    });
  }

  get view() {
    return this.kind ? this.store.get(this.kind, this.key) : null;
  }

  open(kind, key, tab) {
    const same = kind === this.kind && key === this.key;
    this.kind = kind;
    this.key = key;
    if (!same) {
      this.data = null;
      this.error = null;
      this.actionSig = "";
      this.tab = tab || "status";
    } else if (tab) {
      this.tab = tab;
    }
    this.el.hidden = false;
    document.body.classList.add("details-open");
    this.renderHeader();
    this.renderTabs();
    this.renderBody();
    this.fetch();
  }

  close() {
    this.kind = null;
    this.key = null;
    this.data = null;
    this.el.hidden = true;
    document.body.classList.remove("details-open");
    clearTimeout(this.fetchTimer);
  }

  /** A frame's changes: refresh what shows if the object (or its events) changed. */
  apply(batch) {
    if (!this.kind) return;
    const view = this.view;
    let changed = batch.snapshot || batch.objects.has(ref(this.kind, this.key));
    let events = false;
    if (view) {
      for (const c of batch.objects.values()) {
        if (c.kind === "Event" && ((c.view && c.view.object && c.view.object.uid === view.uid) || (!c.view && c.old.object && c.old.object.uid === view.uid))) {
          events = true;
        }
      }
    }
    if (changed) {
      this.renderHeader();
      if (this.tab === "status") this.renderBody();
      this.scheduleFetch();
    } else if (events && this.tab === "events") {
      this.renderBody();
    }
    if (!changed && events) this.scheduleFetch();
  }

  scheduleFetch() {
    if (this.fetchTimer) return;
    const wait = Math.max(0, this.lastFetch + REFETCH_MS - performance.now());
    this.fetchTimer = setTimeout(() => {
      this.fetchTimer = null;
      this.fetch();
    }, wait);
  }

  async fetch() {
    if (!this.kind) return;
    const { kind, key } = this;
    const seq = ++this.seq;
    const view = this.view;
    const namespace = view ? view.namespace : key.includes("/") ? key.split("/")[0] : "";
    const name = view ? view.name : key.includes("/") ? key.split("/").slice(1).join("/") : key;
    this.lastFetch = performance.now();
    this.loading = true;
    try {
      const data = await this.api.details(kind, namespace, name);
      if (seq !== this.seq || kind !== this.kind || key !== this.key) return;
      this.data = data;
      this.error = null;
    } catch (error) {
      if (seq !== this.seq || kind !== this.kind || key !== this.key) return;
      this.error = error;
    } finally {
      if (seq === this.seq) this.loading = false;
    }
    this.renderActions();
    this.renderBody();
  }

  showTab(tab, focus) {
    this.tab = tab;
    this.renderTabs(focus);
    this.renderBody();
  }

  renderHeader() {
    const view = this.view;
    setText(this.title, `${this.kind} ${this.key}`);
    let sub = "";
    if (!view) sub = "deleted (no longer in the cluster)";
    else if (this.kind === "Pod") sub = `${podStatusText(view)}${view.node ? " on " + view.node : ", not scheduled"}`;
    else if (this.kind === "Node") sub = nodeStatusText(view, this.store.machines.get(view.name));
    else if (this.kind === "Deployment") sub = `${view.ready ?? 0}/${view.replicas ?? 0} ready · ${view.image || ""}`;
    else if (this.kind === "Service") sub = `${(view.endpoints || []).length} ready endpoints`;
    else if (this.kind === "ReplicaSet") sub = `${view.ready ?? 0}/${view.replicas ?? 0} ready · revision ${view.revision ?? "?"}`;
    setText(this.subtitle, sub);
    this.el.classList.toggle("gone", !view);
    this.renderActions();
  }

  renderTabs(focus) {
    const names = TABS[this.kind] || TABS.default;
    if (!names.includes(this.tab)) this.tab = "status";
    const buttons = names.map((name) => h("button", {
      type: "button", role: "tab", id: `tab-${name}`, "data-tab": name, "aria-selected": String(name === this.tab),
      "aria-controls": "details-body", tabindex: name === this.tab ? "0" : "-1", text: TAB_NAMES[name],
    }));
    this.tabs.replaceChildren(...buttons);
    this.body.setAttribute("aria-labelledby", `tab-${this.tab}`);
    if (focus) this.tabs.querySelector(`[data-tab="${this.tab}"]`).focus();
  }

  // ---------------------------------------------------------------- actions
  renderActions() {
    const view = this.view;
    const machine = view && this.kind === "Node" ? this.store.machines.get(view.name) : null;
    const containers = this.containerNames();
    const sig = JSON.stringify([this.kind, this.key, !!view, machine && machine.powered, view && view.unschedulable,
      view && view.replicas, view && view.image, containers]);
    if (sig === this.actionSig) return;
    // Keep what someone is typing: rebuild only when nothing in the bar has focus.
    if (this.actions.contains(document.activeElement) && document.activeElement.tagName === "INPUT") return;
    this.actionSig = sig;
    const ui = this.ui;
    const parts = [];
    if (view && this.kind === "Pod") {
      parts.push(button("Delete pod", (b) => ui.deletePod(view.key, b), "danger"));
    } else if (view && this.kind === "Node") {
      const powered = machine ? machine.powered : true;
      parts.push(button(powered ? "Power off" : "Power on", (b) => ui.nodeAction(view.name, "power", b), powered ? "danger" : ""));
      parts.push(button(view.unschedulable ? "Uncordon" : "Cordon", (b) => ui.nodeAction(view.name, "cordon", b)));
      parts.push(button("Drain", (b) => ui.nodeAction(view.name, "drain", b)));
    } else if (view && this.kind === "Deployment") {
      const replicas = h("input", { type: "number", min: "0", max: "1000", value: String(view.replicas ?? 0), id: "scale-input", "aria-label": "replicas", class: "num" });
      const scaleTo = (n, b) => ui.scale(view.namespace, view.name, n, b);
      parts.push(h("form", { class: "inline-form", onsubmit: (e) => { e.preventDefault(); scaleTo(Number(replicas.value), e.submitter || e.target.querySelector("button[type=submit]")); } },
        h("label", { for: "scale-input", text: "Replicas" }),
        button("−", (b) => scaleTo(Math.max(0, (view.replicas ?? 0) - 1), b), "", { "aria-label": "Scale down by one" }),
        replicas,
        button("+", (b) => scaleTo((view.replicas ?? 0) + 1, b), "", { "aria-label": "Scale up by one" }),
        h("button", { type: "submit", text: "Scale" })));
      const image = h("input", { type: "text", value: view.image || "", id: "image-input", "aria-label": "image", size: "18" });
      const select = h("select", { id: "image-container", "aria-label": "container" },
        ...(containers.length ? containers : [""]).map((c) => h("option", { value: c, text: c || "(loading)" })));
      parts.push(h("form", { class: "inline-form", onsubmit: (e) => {
        e.preventDefault();
        ui.setImage(view.namespace, view.name, select.value, image.value.trim(), e.submitter || e.target.querySelector("button[type=submit]"));
      } }, h("label", { for: "image-input", text: "Image" }), containers.length > 1 ? select : null, image,
      h("button", { type: "submit", text: "Set image", disabled: containers.length === 0 })));
    }
    if (this.data && this.data.yaml) {
      parts.push(button("Edit YAML", () => ui.openYamlEditor(this.data.yaml)));
    }
    this.actions.replaceChildren(...parts);
  }

  containerNames() {
    const obj = this.data && this.data.object;
    const spec = obj && obj.spec && obj.spec.template && obj.spec.template.spec;
    return ((spec && spec.containers) || []).map((c) => c.name);
  }

  // ---------------------------------------------------------------- body
  renderBody() {
    const view = this.view;
    let content;
    if (this.tab === "status") content = this.statusContent(view);
    else if (this.tab === "yaml") content = this.remote((d) => h("pre", { class: "yaml", tabindex: "0", text: d.yaml || "" }));
    else if (this.tab === "events") content = this.eventsContent(view);
    else if (this.tab === "logs") content = this.remote((d) => logsContent(d.logs));
    else if (this.tab === "scheduling") content = this.remote((d) => schedulingContent(d.scheduling, view));
    this.body.replaceChildren(...[].concat(content));
  }

  remote(render) {
    if (this.data) return render(this.data);
    if (this.error) return h("p", { class: "form-error", role: "alert", text: `Could not load details: ${this.error.message}` });
    return h("p", { class: "muted", text: "Loading…" });
  }

  statusContent(view) {
    if (!view) {
      return h("p", { class: "muted", text: "This object is no longer in the cluster." });
    }
    const rows = [];
    const link = (kind, key, text) => h("button", { type: "button", class: "link", "data-select-kind": kind, "data-select-key": key, text: text || key });
    const add = (label, value) => rows.push(h("dt", { text: label }), h("dd", {}, value == null || value === "" ? "—" : value));
    if (view.namespace) add("Namespace", view.namespace);
    if (this.kind === "Pod") {
      add("Status", podStatusText(view));
      add("Phase", view.phase);
      add("Ready", view.readyText);
      add("Restarts", String(view.restarts ?? 0));
      add("Node", view.node ? link("Node", view.node) : "not scheduled");
      if (!view.node && view.pendingReason) add("Why pending", view.pendingReason);
      add("Pod IP", view.ip);
      if (view.owner) add("Owner", view.owner.kind === "ReplicaSet" ? link("ReplicaSet", fmt.objectKey(view.namespace, view.owner.name), `ReplicaSet ${view.owner.name}`) : `${view.owner.kind} ${view.owner.name}`);
      const services = [...(this.store.servicesByPod.get(view.key) || [])];
      if (services.length) add("Behind services", h("span", {}, ...services.map((k) => link("Service", k))));
    } else if (this.kind === "Node") {
      const machine = this.store.machines.get(view.name);
      add("Condition Ready", view.ready);
      add("Machine", machine ? `${machine.powered ? "powered on" : "powered off"} · ${machine.cpu} cpu · ${machine.memory}` : "—");
      add("Schedulable", view.unschedulable ? "no (cordoned)" : "yes");
      add("Roles", (view.roles || []).join(", "));
      add("Runtime", view.runtime);
      add("Internal IP", view.ip);
      const a = view.allocatable || {};
      const r = this.store.requestedOn(view.name) || {};
      add("CPU requested", `${fmt.cpu(r.cpu_m || 0)} of ${fmt.cpu(a.cpu_m || 0)}`);
      add("Memory requested", `${fmt.memory(r.memory || 0)} of ${fmt.memory(a.memory || 0)}`);
      add("Pods", `${r.pods || 0} of ${a.pods ?? "?"}`);
      add("Taints", (view.taints || []).length ? (view.taints || []).map((t) => `${t.key}${t.value ? "=" + t.value : ""}:${t.effect}`).join(", ") : "none");
    } else if (this.kind === "Deployment") {
      add("Replicas", `${view.replicas ?? 0} desired · ${view.updated ?? 0} updated · ${view.ready ?? 0} ready · ${view.available ?? 0} available`);
      add("Image", view.image);
      add("Strategy", view.strategy);
      add("Revision", view.revision);
      const sets = this.store.childrenOf(view.uid, "ReplicaSet").sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0));
      add("ReplicaSets", sets.length ? h("span", { class: "stack" }, ...sets.map((rs) => link("ReplicaSet", rs.key, `${rs.name} (rev ${rs.revision ?? "?"}, ${rs.ready ?? 0}/${rs.replicas ?? 0})`))) : "none");
    } else if (this.kind === "ReplicaSet") {
      add("Replicas", `${view.ready ?? 0}/${view.replicas ?? 0} ready`);
      add("Image", view.image);
      add("Revision", view.revision);
      if (view.owner) add("Owner", link(view.owner.kind, fmt.objectKey(view.namespace, view.owner.name), `${view.owner.kind} ${view.owner.name}`));
      const pods = this.store.childrenOf(view.uid, "Pod");
      add("Pods", pods.length ? h("span", { class: "stack" }, ...pods.map((p) => link("Pod", p.key, `${p.name} (${podStatusText(p)})`))) : "none");
    } else if (this.kind === "Service") {
      add("Type", view.type);
      add("Cluster IP", view.clusterIP);
      add("Ports", (view.ports || []).join(", "));
      add("Selector", Object.entries(view.selector || {}).map(([k, v]) => `${k}=${v}`).join(", "));
      const eps = view.endpoints || [];
      add("Ready endpoints", eps.length ? h("span", { class: "stack" }, ...eps.map((k) => link("Pod", k))) : "none");
    } else if (this.kind === "Namespace") {
      add("Phase", view.phase);
    }
    add("Labels", Object.entries(view.labels || {}).map(([k, v]) => `${k}=${v}`).join(", "));
    add("Created", view.created);
    add("UID", view.uid);
    const parts = [h("dl", { class: "props" }, ...rows)];
    if (this.kind === "Pod" && (view.containers || []).length) {
      parts.push(h("h3", { text: "Containers" }), containersTable(view.containers));
    }
    return parts;
  }

  eventsContent(view) {
    const byKey = new Map();
    for (const e of (this.data && this.data.events) || []) byKey.set(e.key || `${e.reason}|${e.message}`, e);
    if (view) {
      for (const e of this.store.all("Event").values()) {
        if (e.object && e.object.uid === view.uid) byKey.set(e.key, e);
      }
    }
    const events = [...byKey.values()].sort((a, b) => (b.last || "").localeCompare(a.last || ""));
    if (!events.length) return h("p", { class: "muted", text: this.data || this.error ? "No events." : "Loading…" });
    return h("ol", { class: "event-list" }, ...events.map((e) => h("li", { class: `ev ev-${(e.type || "Normal").toLowerCase()}` },
      h("time", { text: fmt.clockTime(e.last) }),
      h("span", { class: "ev-type", text: e.type || "Normal" }),
      h("span", { class: "ev-reason", text: e.reason || "" }),
      e.count > 1 ? h("span", { class: "ev-count", text: `×${e.count}` }) : null,
      h("span", { class: "ev-msg", text: e.message || "" }),
      e.source ? h("span", { class: "ev-source", text: e.source }) : null)));
  }
}

function button(text, onClick, cls, attrs) {
  const b = h("button", { type: "button", class: cls || null, text, ...(attrs || {}) });
  b.addEventListener("click", () => onClick(b));
  return b;
}

export function nodeStatusText(node, machine) {
  const parts = [node.ready === "True" ? "Ready" : node.ready === "False" ? "NotReady" : "Unknown"];
  if (machine && !machine.powered) parts.push("powered off");
  if (node.unschedulable) parts.push("cordoned");
  return parts.join(", ");
}

function containersTable(containers) {
  return h("table", { class: "grid" },
    h("thead", {}, h("tr", {}, ...["Container", "Image", "State", "Ready", "Restarts"].map((t) => h("th", { scope: "col", text: t })))),
    h("tbody", {}, ...containers.map((c) => h("tr", {},
      h("td", { text: c.name }), h("td", { text: c.image }),
      h("td", { text: c.state + (c.reason ? ` (${c.reason})` : "") }),
      h("td", { text: c.ready ? "yes" : "no" }), h("td", { text: String(c.restarts ?? 0) })))));
}

/** `logs` is {container name: [lines]} as operations.object_details gives it (null: no sandbox yet). */
export function logsContent(logs) {
  const containers = Object.entries(logs || {});
  if (!containers.length) return h("p", { class: "muted", text: "No logs: the pod has no running or finished container yet." });
  return containers.map(([name, lines]) => h("section", { class: "log-block", "data-container": name },
    h("h3", { class: "log-container", text: `container ${name}` }),
    h("pre", { class: "logs", tabindex: "0", "aria-label": `logs of container ${name}`, text: (lines || []).join("\n") || "(empty)" })));
}

function schedulingContent(scheduling, view) {
  if (!scheduling) {
    return h("p", { class: "muted", text: view && view.node ? "No scheduling record (bound directly, or recorded before this run)." : "The scheduler has not tried this pod yet." });
  }
  const out = [];
  out.push(h("p", { class: "sched-message" }, scheduling.node ? `Placed on ${scheduling.node}. ` : "Not placed. ", scheduling.message || ""));
  const nodes = scheduling.nodes || [];
  if (nodes.length) {
    const sorted = [...nodes].sort((a, b) => (b.feasible - a.feasible) || ((b.total ?? 0) - (a.total ?? 0)) || a.node.localeCompare(b.node));
    out.push(h("ol", { class: "sched", "aria-label": "every node, as the scheduler saw it" }, ...sorted.map((n) => {
      const chosen = n.node === scheduling.node;
      const result = chosen ? "✓ chosen" : n.feasible ? "feasible" : "✗ rejected";
      const scores = Object.entries(n.scores || {});
      return h("li", { class: chosen ? "chosen" : n.feasible ? "feasible" : "rejected", "data-node": n.node },
        h("div", { class: "sched-head" },
          h("strong", { text: n.node }), h("span", { class: "sched-result", text: result }),
          n.total != null ? h("span", { class: "sched-total", text: `score ${n.total}` }) : null),
        n.feasible ? null : h("div", { class: "sched-why" },
          n.rejected_by ? h("code", { text: n.rejected_by }) : null, (n.reasons || []).length ? ` ${(n.reasons || []).join("; ")}` : ""),
        scores.length ? h("div", { class: "sched-scores", text: scores.map(([p, v]) => `${p} ${v}`).join(" · ") }) : null);
    })));
  }
  return out;
}
