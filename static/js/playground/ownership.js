// The second view of the same cluster: the ownership tree Deployment -> ReplicaSet -> Pod,
// with the Services beside it. One block per Deployment, rebuilt only when the Deployment,
// one of its ReplicaSets or one of their Pods changed, and only while the view is shown.

import { h } from "./dom.js";
import * as fmt from "./format.js";
import { podDescription, podState, shortPodName } from "./podstate.js";

const THROTTLE_MS = 250;

export class OwnershipView {
  constructor({ el, store, ui }) {
    this.el = el;
    this.store = store;
    this.ui = ui;
    this.tree = el.querySelector("#owner-tree");
    this.services = el.querySelector("#owner-services");
    this.blocks = new Map(); // block id -> element
    this.dirty = new Set();
    this.all = true;
    this.namespace = "";
    this.timer = null;
    this.last = 0;
    el.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-scale]");
      if (button) {
        const dep = this.store.get("Deployment", button.dataset.key);
        if (dep) this.ui.scale(dep.namespace, dep.name, Math.max(0, (dep.replicas ?? 0) + Number(button.dataset.scale)), button);
        return;
      }
      const target = event.target.closest("[data-select-kind]");
      if (target) this.ui.select(target.dataset.selectKind, target.dataset.selectKey);
    });
    el.addEventListener("keydown", (event) => {
      const target = event.target.closest(".pod[data-select-kind]");
      if (target && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        this.ui.select("Pod", target.dataset.selectKey);
      }
    });
    el.addEventListener("pointerover", (event) => {
      const svc = event.target.closest(".o-service");
      if (svc) this.highlight(svc.dataset.selectKey);
    });
    el.addEventListener("pointerout", (event) => {
      const svc = event.target.closest(".o-service");
      if (svc && !svc.contains(event.relatedTarget)) this.highlight(null);
    });
  }

  get visible() {
    return !this.el.hidden;
  }

  setNamespace(ns) {
    this.namespace = ns;
    this.all = true;
    this.schedule(true);
  }

  apply(batch) {
    if (batch.snapshot) this.all = true;
    else {
      for (const c of batch.objects.values()) {
        const v = c.view || c.old;
        if (!v) continue; // created and deleted within one frame: the page never held it
        if (c.kind === "Deployment") this.dirty.add(`d:${v.uid}`);
        else if (c.kind === "ReplicaSet") this.dirty.add(this.blockOfReplicaSet(v));
        else if (c.kind === "Pod") this.dirty.add(this.blockOfPod(v));
        else if (c.kind === "Service") this.dirty.add("services");
        else if (c.kind === "Namespace") this.all = true;
      }
    }
    this.schedule(false);
  }

  blockOfReplicaSet(rs) {
    if (rs.owner && rs.owner.kind === "Deployment") return `d:${rs.owner.uid}`;
    return `r:${rs.uid}`;
  }

  blockOfPod(pod) {
    if (pod.owner && pod.owner.kind === "ReplicaSet") {
      const rs = this.store.byUidView(pod.owner.uid);
      if (rs) return this.blockOfReplicaSet(rs);
      return `r:${pod.owner.uid}`;
    }
    return `p:${pod.namespace}`;
  }

  schedule(now) {
    if (!this.visible || this.timer) return;
    const wait = now ? 0 : Math.max(0, this.last + THROTTLE_MS - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      requestAnimationFrame(() => this.render());
    }, wait);
  }

  show() {
    this.all = true;
    this.render();
  }

  render() {
    if (!this.visible) return;
    this.last = performance.now();
    const store = this.store;
    const ns = this.namespace;
    // Work out the blocks in order: per namespace, Deployments, then ReplicaSets without a
    // Deployment, then Pods without a ReplicaSet.
    const wanted = [];
    const namespaces = ns ? [ns] : store.namespaces();
    const depsByNs = groupBy(store.all("Deployment").values(), (d) => d.namespace);
    const rsByNs = groupBy([...store.all("ReplicaSet").values()].filter((rs) => !(rs.owner && rs.owner.kind === "Deployment" && store.byUidView(rs.owner.uid))), (r) => r.namespace);
    const loosePodsByNs = groupBy([...store.all("Pod").values()].filter((p) => !(p.owner && p.owner.kind === "ReplicaSet" && store.byUidView(p.owner.uid))), (p) => p.namespace);
    for (const n of namespaces) {
      const deps = (depsByNs.get(n) || []).sort(byName);
      const sets = (rsByNs.get(n) || []).sort(byName);
      const loose = loosePodsByNs.get(n) || [];
      if (!deps.length && !sets.length && !loose.length) continue;
      wanted.push({ id: `ns:${n}`, build: () => h("h3", { class: "o-ns", text: `namespace ${n}` }) });
      for (const d of deps) wanted.push({ id: `d:${d.uid}`, build: () => this.deploymentBlock(d) });
      for (const rs of sets) wanted.push({ id: `r:${rs.uid}`, build: () => this.replicaSetBlock(rs, true) });
      if (loose.length) wanted.push({ id: `p:${n}`, build: () => this.looseBlock(loose) });
    }
    const elements = [];
    const keep = new Set();
    for (const w of wanted) {
      keep.add(w.id);
      let el = this.blocks.get(w.id);
      if (!el || this.all || this.dirty.has(w.id)) {
        const fresh = w.build();
        if (el) el.replaceWith(fresh);
        el = fresh;
        this.blocks.set(w.id, el);
      }
      elements.push(el);
    }
    for (const [id, el] of this.blocks) {
      if (!keep.has(id)) {
        el.remove();
        this.blocks.delete(id);
      }
    }
    let child = this.tree.firstElementChild;
    let inOrder = true;
    for (const el of elements) {
      if (child !== el) {
        inOrder = false;
        break;
      }
      child = child.nextElementSibling;
    }
    if (!inOrder || child) this.tree.replaceChildren(...elements);
    if (!elements.length) this.tree.replaceChildren(h("p", { class: "muted", text: "No workloads in this namespace yet. Create a deployment to see its tree." }));
    if (this.all || this.dirty.has("services")) this.renderServices();
    this.all = false;
    this.dirty.clear();
  }

  deploymentBlock(d) {
    const sets = this.store.childrenOf(d.uid, "ReplicaSet").sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0));
    return h("section", { class: "o-dep", "data-key": d.key },
      h("div", { class: "o-row" },
        h("button", { type: "button", class: "o-kind link", "data-select-kind": "Deployment", "data-select-key": d.key },
          h("span", { class: "kind-tag", text: "Deployment" }), ` ${d.name}`),
        h("span", { class: "o-meta", text: `${d.ready ?? 0}/${d.replicas ?? 0} ready · ${d.image || ""}` }),
        h("span", { class: "o-scale" },
          h("button", { type: "button", "data-scale": "-1", "data-key": d.key, "aria-label": `Scale ${d.name} down by one`, text: "−" }),
          h("span", { class: "o-replicas", text: String(d.replicas ?? 0) }),
          h("button", { type: "button", "data-scale": "1", "data-key": d.key, "aria-label": `Scale ${d.name} up by one`, text: "+" }))),
      h("ul", { class: "o-children" }, ...sets.map((rs) => h("li", {}, this.replicaSetBlock(rs, false)))));
  }

  replicaSetBlock(rs, standalone) {
    const pods = this.store.childrenOf(rs.uid, "Pod").sort(byName);
    return h("div", { class: `o-rs${standalone ? " standalone" : ""}${(rs.replicas ?? 0) === 0 && !pods.length ? " empty" : ""}`, "data-key": rs.key },
      h("div", { class: "o-row" },
        h("button", { type: "button", class: "o-kind link", "data-select-kind": "ReplicaSet", "data-select-key": rs.key },
          h("span", { class: "kind-tag", text: "ReplicaSet" }), ` ${rs.name}`),
        h("span", { class: "o-meta", text: `rev ${rs.revision ?? "?"} · ${rs.ready ?? 0}/${rs.replicas ?? 0} ready · ${rs.image || ""}` })),
      pods.length ? h("div", { class: "o-pods" }, ...pods.map(podChip)) : null);
  }

  looseBlock(pods) {
    return h("section", { class: "o-loose" },
      h("div", { class: "o-row" }, h("span", { class: "kind-tag", text: "Pods" }), " without a ReplicaSet"),
      h("div", { class: "o-pods" }, ...pods.sort(byName).map(podChip)));
  }

  renderServices() {
    const ns = this.namespace;
    const services = [...this.store.all("Service").values()].filter((s) => !ns || s.namespace === ns).sort((a, b) => (a.key < b.key ? -1 : 1));
    this.services.replaceChildren(...(services.length ? services.map((s) => h("div", { class: "o-service", "data-select-kind": "Service", "data-select-key": s.key, tabindex: "0", role: "button" },
      h("div", { class: "o-row" }, h("span", { class: "kind-tag", text: "Service" }), ` ${s.key}`),
      h("p", { class: "o-meta", text: `${s.type || "ClusterIP"} ${s.clusterIP || ""} ${(s.ports || []).join(" ")} · selects ${Object.entries(s.selector || {}).map(([k, v]) => `${k}=${v}`).join(",") || "nothing"}` }),
      h("p", { class: "o-meta", text: `→ ${fmt.plural((s.endpoints || []).length, "ready endpoint")}` }))) : [h("p", { class: "muted", text: "No services." })]));
  }

  highlight(serviceKey) {
    for (const el of this.tree.querySelectorAll(".pod.linked")) el.classList.remove("linked");
    if (!serviceKey) return;
    const svc = this.store.get("Service", serviceKey);
    const eps = new Set((svc && svc.endpoints) || []);
    for (const el of this.tree.querySelectorAll(".pod")) if (eps.has(el.dataset.selectKey)) el.classList.add("linked");
  }
}

function podChip(p) {
  const state = podState(p);
  return h("span", { class: `pod named st-${state}`, role: "button", tabindex: "0", "data-select-kind": "Pod", "data-select-key": p.key, "data-state": state, "aria-label": podDescription(p), title: podDescription(p) },
    h("i", { class: "pi", "aria-hidden": "true" }), h("span", { class: "pl", text: shortPodName(p) }),
    h("span", { class: "pn", text: p.node ? `@${p.node}` : "@—" }));
}

function groupBy(items, keyOf) {
  const map = new Map();
  for (const item of items) {
    const k = keyOf(item);
    let list = map.get(k);
    if (!list) map.set(k, (list = []));
    list.push(item);
  }
  return map;
}

function byName(a, b) {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
