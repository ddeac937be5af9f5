// The cluster as a picture: control plane, worker node cards with their pods, the Pending
// tray and the services with links to their ready endpoints.
//
// Rendering is plain DOM, keyed: one element per node card, pod chip and service, created
// once and then only touched when what it shows changed (a signature string per element).
// The store hands over one frame's changes at a time, so a frame costs what changed,
// not the size of the cluster. Moves (a pod leaving the Pending tray for a node, a
// replacement for an evicted pod) fly as a clone in a fixed overlay layer with the Web
// Animations API, which runs on the compositor and never blocks the next frame.

import { h, setAttr, setText, toggleClass, reducedMotion } from "./dom.js";
import * as fmt from "./format.js";
import { Fit } from "./fit.js";
import { STATES, podDescription, podState, shortPodName } from "./podstate.js";

export const COMPONENTS = ["kube-apiserver", "etcd", "kube-scheduler", "kube-controller-manager"];
const COMPONENT_ROLE = {
  "kube-apiserver": "serves the API; every component talks through it",
  etcd: "the store: every object and the revision log",
  "kube-scheduler": "binds Pending pods to nodes",
  "kube-controller-manager": "deployments, replicasets, node lifecycle, endpoints, garbage collection",
};
const ANIMATION_BUDGET = 60; // flights per frame; beyond that things simply appear in place
const LINK_LIMIT = 150; // draw every service's links up to this many endpoints, else on hover only
const DOTS_ABOVE = 240; // automatic density: chips without names above this many pods
const COUNTS_NODES = 40; // automatic density: counts per node (no chips) above this many nodes or COUNTS_PODS pods
const COUNTS_PODS = 600;
const FIT_NODES = 150; // up to this many nodes (and FIT_PODS pods) the picture is zoomed to fit its area
const FIT_PODS = 6000;
const LEGIBLE_ZOOM = 0.6; // automatic density: the next, more compact level when this one would need a smaller zoom
const LEVELS = ["names", "dots", "counts"]; // automatic density, from the most to the least detailed
const FLIGHT_MS = 1400; // long enough for a class to follow a pod to its new node

export class TopologyView {
  constructor({ root, store, ui }) {
    this.root = root;
    this.store = store;
    this.ui = ui;
    this.canvas = root.querySelector(".canvas");
    this.componentsEl = root.querySelector("#components");
    this.cpNodesEl = root.querySelector("#cp-nodes");
    this.workersEl = root.querySelector("#workers");
    this.trayEl = root.querySelector("#tray-groups");
    this.trayCountEl = root.querySelector("#tray-count");
    this.servicesEl = root.querySelector("#service-list");
    this.servicesCountEl = root.querySelector("#services-count");
    this.workersCountEl = root.querySelector("#workers-count");
    this.svg = root.querySelector("#service-links");
    this.flights = document.getElementById("flight-layer");
    this.filterStyle = document.getElementById("namespace-filter-style");

    this.cards = new Map(); // node name -> card record
    this.chips = new Map(); // pod key -> chip record
    this.trayGroups = new Map(); // reason -> {el, list}
    this.serviceCards = new Map(); // service key -> record
    this.componentTiles = new Map();
    this.departed = new Map(); // owner uid -> [{rect, t}] where pods of that owner were last seen
    this.namespace = "";
    this.density = "auto";
    this.hotService = null;
    this.selected = null; // {kind, key}
    this.linesQueued = false;
    this.animations = true;

    // Which cards are on screen: chips elsewhere are never measured (measuring inside a card
    // that content-visibility skips would force its layout and cost a whole frame).
    this.onScreen = new Set();
    this.watcher = window.IntersectionObserver ? new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) this.onScreen.add(entry.target);
        else this.onScreen.delete(entry.target);
      }
    }, { root: this.root, rootMargin: "64px" }) : null;
    if (this.watcher) this.watcher.observe(root.querySelector("#pending-tray"));

    this.level = "names"; // what automatic density chose so that the picture fits (LEVELS)
    this.levelKey = ""; // the cluster's size and the area's when the level was chosen
    this.fitter = new Fit(root, this.canvas, {
      max: () => (document.body.classList.contains("presentation") ? 1.5 : 1),
      enabled: () => this.cards.size <= FIT_NODES && this.chips.size <= FIT_PODS,
      onZoom: () => this.queueLines(),
      pin: (same) => this.pinColumns(same),
      fits: () => this.pinnedFits(),
    });
    const fit = this.fitter.fit.bind(this.fitter);
    this.fitter.fit = () => this.fitCompact(fit);

    this.buildComponents();
    this.bindEvents();
  }

  /**
   * Fit; in automatic density, the most detailed level (names, shapes, counts per node) that fits
   * at a legible zoom. The levels are tried again only when the cluster's or the area's size changed.
   */
  fitCompact(fit) {
    if (this.density !== "auto") {
      fit();
      this.queueLines();
      return;
    }
    const pods = this.chips.size;
    const nodes = this.cards.size;
    const start = nodes > COUNTS_NODES || pods > COUNTS_PODS ? 2 : pods > DOTS_ABOVE ? 1 : 0;
    const key = `${nodes}|${pods}|${this.root.clientWidth}x${this.root.clientHeight}|${document.body.classList.contains("presentation")}`;
    let first = start;
    if (key === this.levelKey && LEVELS.indexOf(this.level) >= start) first = LEVELS.indexOf(this.level);
    for (let i = first; i < LEVELS.length; i++) {
      this.setLevel(LEVELS[i]);
      fit();
      if (this.fitter.zoom >= LEGIBLE_ZOOM || !this.fitter.options.enabled()) break;
    }
    this.levelKey = key;
    this.queueLines();
  }

  /**
   * The workers' columns are held while only the content changes (same area, same cards, same density):
   * a card that grows (a countdown, taints) makes the picture a little smaller, not every card move.
   * Any other change lets the grid choose again.
   */
  pinColumns(same) {
    const grid = this.workersEl;
    const key = `${grid.children.length}|${this.density}|${this.level}`;
    const held = same && key === this.pinKey; // the last search was of this same picture in this same area
    this.pinKey = key;
    if (!held) {
      grid.style.gridTemplateColumns = "";
      this.pinned = false;
      return;
    }
    if (this.pinned) return;
    const first = grid.firstElementChild;
    if (!first) return;
    let columns = 0;
    for (let el = first; el && el.offsetTop === first.offsetTop; el = el.nextElementSibling) columns += 1;
    // Never narrower than the grid would make them: too wide for the area, they do not fit (pinnedFits).
    grid.style.gridTemplateColumns = `repeat(${columns}, minmax(var(--card-min), 1fr))`;
    this.pinned = true;
  }

  /** Held columns fit only when the cards are not pushed past the grid's edge. */
  pinnedFits() {
    return !this.pinned || this.workersEl.scrollWidth <= this.workersEl.clientWidth;
  }

  setLevel(level) {
    if (level === this.level) return;
    this.level = level;
    this.applyDensity();
  }

  get zoom() {
    return this.fitter ? this.fitter.zoom : 1;
  }

  // ---------------------------------------------------------------- frame
  apply(batch) {
    const store = this.store;
    const podChanges = [];
    let nodesChanged = batch.machines || batch.snapshot;
    let servicesChanged = batch.snapshot;
    for (const change of batch.objects.values()) {
      if (change.kind === "Pod") podChanges.push(change);
      else if (change.kind === "Node") nodesChanged = true;
      else if (change.kind === "Service") servicesChanged = true;
    }
    if (batch.cluster || batch.snapshot) this.renderComponents();

    // Read phase: where moving and departing chips are now (layout is clean at this point).
    const flights = this.measureDepartures(podChanges);

    // Write phase.
    let structural = false;
    const rehome = nodesChanged ? this.syncCards() : [];
    for (const change of podChanges) {
      if (change.view) this.upsertChip(change.view);
      else this.removeChip(change.key, podChanges.length < 200);
      structural = true;
    }
    for (const key of rehome) {
      const pod = store.get("Pod", key);
      if (pod) this.upsertChip(pod);
    }
    // The requested-resources bars follow the pods drawn in the same frame.
    if (!nodesChanged) {
      const touched = new Set();
      for (const change of podChanges) {
        if (change.old && change.old.node) touched.add(change.old.node);
        if (change.view && change.view.node) touched.add(change.view.node);
      }
      for (const name of touched) {
        const card = this.cards.get(name);
        if (card) this.updateCard(card, store.get("Node", name), store.machines.get(name));
      }
    }
    if (podChanges.length && this.root.classList.contains("counts")) {
      const touched = new Set();
      for (const change of podChanges) {
        if (change.old && change.old.node) touched.add(change.old.node);
        if (change.view && change.view.node) touched.add(change.view.node);
      }
      for (const name of nodesChanged ? this.cards.keys() : touched) {
        const card = this.cards.get(name);
        if (card) this.renderTally(card);
      }
    }
    if (servicesChanged) {
      this.syncServices(batch);
      structural = true;
    }
    if (podChanges.length || nodesChanged) this.updateCounts();
    this.pruneTray();
    this.applyDensity();

    // Second read phase, then the animations (compositor only).
    this.fly(flights);
    if (structural || nodesChanged) {
      this.fitter.request();
      this.queueLines();
    }
  }

  // ---------------------------------------------------------------- control plane
  buildComponents() {
    for (const name of COMPONENTS) {
      const state = h("span", { class: "comp-state" });
      const button = h("button", { type: "button", class: "comp-toggle", "data-component": name });
      const tile = h("div", { class: "component", "data-component": name, title: COMPONENT_ROLE[name] },
        h("span", { class: "comp-mark", "aria-hidden": "true" }),
        h("span", { class: "comp-name", text: name }), state, button);
      this.componentsEl.append(tile);
      this.componentTiles.set(name, { tile, state, button });
    }
    this.renderComponents();
  }

  renderComponents() {
    const components = (this.store.cluster && this.store.cluster.components) || {};
    for (const [name, t] of this.componentTiles) {
      const known = this.store.cluster != null;
      const running = components[name] !== false;
      toggleClass(t.tile, "running", known && running);
      toggleClass(t.tile, "stopped", known && !running);
      setText(t.state, known ? (running ? "running" : "stopped") : "…");
      setText(t.button, running ? "Stop" : "Start");
      setAttr(t.button, "aria-label", `${running ? "Stop" : "Start"} ${name}`);
      setAttr(t.button, "data-on", running ? "false" : "true");
      t.button.disabled = !known;
    }
  }

  // ---------------------------------------------------------------- nodes
  nodeNames() {
    const names = [...this.store.machines.keys()];
    const nodes = [...this.store.all("Node").keys()].filter((n) => !this.store.machines.has(n)).sort();
    return names.concat(nodes);
  }

  isControlPlane(name) {
    const machine = this.store.machines.get(name);
    if (machine) return machine.role === "control-plane";
    const node = this.store.get("Node", name);
    return !!(node && (node.roles || []).includes("control-plane"));
  }

  /** Create, update, order and remove node cards; return the pods that need a new home. */
  syncCards() {
    const names = this.nodeNames();
    const wanted = new Set(names);
    const rehome = [];
    for (const [name, card] of this.cards) {
      if (wanted.has(name)) continue;
      card.el.remove();
      this.cards.delete(name);
      if (this.watcher) this.watcher.unobserve(card.el);
      this.onScreen.delete(card.el);
      for (const key of this.store.podsByNode.get(name) || []) rehome.push(key);
    }
    const cp = [];
    const workers = [];
    for (const name of names) {
      let card = this.cards.get(name);
      if (!card) {
        card = this.createCard(name);
        this.cards.set(name, card);
        if (this.watcher) this.watcher.observe(card.el);
        for (const key of this.store.podsByNode.get(name) || []) rehome.push(key);
      }
      this.updateCard(card, this.store.get("Node", name), this.store.machines.get(name));
      (this.isControlPlane(name) ? cp : workers).push(card.el);
    }
    reorder(this.cpNodesEl, cp);
    reorder(this.workersEl, workers);
    if (this.workersCountEl) setText(this.workersCountEl, workers.length ? `(${workers.length})` : "");
    return rehome;
  }

  createCard(name) {
    const status = h("span", { class: "badge node-status" });
    const power = h("span", { class: "badge node-power", text: "powered off" });
    const cordon = h("span", { class: "badge node-cordon", text: "cordoned" });
    const kubelet = h("span", { class: "agent", text: "kubelet" });
    const proxy = h("span", { class: "agent", text: "kube-proxy" });
    const runtime = h("span", { class: "agent runtime" });
    const taints = h("ul", { class: "taints", "aria-label": "taints" });
    const cpu = bar("cpu");
    const mem = bar("memory");
    const podsText = h("span", { class: "pods-count" });
    const powerBtn = h("button", { type: "button", "data-act": "power" });
    const cordonBtn = h("button", { type: "button", "data-act": "cordon" });
    const drainBtn = h("button", { type: "button", "data-act": "drain", text: "Drain" });
    const pods = h("div", { class: "pods", role: "group", "aria-label": `pods on ${name}` });
    const tally = h("p", { class: "pod-tally", "data-count": "0" });
    const el = h("article", { class: "node", tabindex: "0", "data-node": name },
      h("header", { class: "node-head" }, h("h3", { class: "node-name", text: name }), status, power, cordon),
      h("div", { class: "agents" }, kubelet, proxy, runtime),
      taints,
      h("div", { class: "bars" }, cpu.el, mem.el),
      h("div", { class: "node-actions" }, powerBtn, cordonBtn, drainBtn, podsText),
      pods, tally);
    setAttr(drainBtn, "aria-label", `Drain ${name}`);
    return { name, el, status, power, cordon, kubelet, proxy, runtime, taints, cpu, mem, podsText, powerBtn, cordonBtn, drainBtn, pods, tally, tallySig: null, sig: "" };
  }

  updateCard(card, node, machine) {
    const powered = machine ? machine.powered : true;
    const ready = node ? node.ready : "";
    const cordoned = !!(node && node.unschedulable);
    const alloc = (node && node.allocatable) || {};
    const req = (node && (this.store.requestedOn(card.name) || node.requested)) || {};
    const taints = (node && node.taints) || [];
    const runtime = (node && node.runtime) || (machine && machine.runtime) || "";
    const sig = [powered, ready, cordoned, alloc.cpu_m, alloc.memory, alloc.pods, req.cpu_m, req.memory, req.pods,
      runtime, taints.map((t) => `${t.key}=${t.value || ""}:${t.effect}`).join(","), node ? 1 : 0].join("|");
    if (sig === card.sig) return;
    card.sig = sig;
    const name = card.name;
    const status = !node ? (powered ? "Registering" : "Not registered")
      : ready === "True" ? "Ready" : ready === "False" ? "NotReady" : "Unknown";
    const el = card.el;
    toggleClass(el, "ready-true", ready === "True");
    toggleClass(el, "ready-false", ready === "False");
    toggleClass(el, "ready-unknown", !!node && ready !== "True" && ready !== "False");
    toggleClass(el, "ready-none", !node);
    toggleClass(el, "off", !powered);
    toggleClass(el, "cordoned", cordoned);
    el.dataset.status = status;
    el.dataset.powered = String(powered);
    setText(card.status, status);
    setAttr(card.power, "title", powered ? null
      : ready === "True" ? "The machine is off but the control plane has not noticed yet: it waits for missed heartbeats." : "The machine is off.");
    for (const agent of [card.kubelet, card.proxy, card.runtime]) {
      toggleClass(agent, "stopped", !powered);
      setAttr(agent, "title", powered ? "running" : "stopped (machine powered off)");
    }
    setText(card.runtime, runtime.replace("://", " ") || "runtime");
    card.taints.replaceChildren(...taints.map((t) => {
      const text = `${t.key}${t.value ? "=" + t.value : ""}:${t.effect}`;
      // The well-known prefixes go; the whole taint is in the title and the details.
      const short = text.replace(/^(node|node-role)\.kubernetes\.io\//, "");
      return h("li", { class: "taint", title: `taint ${text}`, "data-taint": text, text: short });
    }));
    setBar(card.cpu, req.cpu_m || 0, alloc.cpu_m || 0, fmt.cpu);
    setBar(card.mem, req.memory || 0, alloc.memory || 0, fmt.memory);
    setText(card.podsText, alloc.pods != null ? `pods ${req.pods || 0}/${alloc.pods}` : "");
    setText(card.powerBtn, powered ? "Power off" : "Power on");
    setAttr(card.powerBtn, "aria-label", `${powered ? "Power off" : "Power on"} ${name}`);
    setAttr(card.powerBtn, "data-on", powered ? "false" : "true");
    setText(card.cordonBtn, cordoned ? "Uncordon" : "Cordon");
    setAttr(card.cordonBtn, "aria-label", `${cordoned ? "Uncordon" : "Cordon"} ${name}`);
    card.cordonBtn.disabled = !node;
    card.drainBtn.disabled = !node;
    const parts = [`Node ${name}`, status];
    if (!powered) parts.push("powered off");
    if (cordoned) parts.push("cordoned");
    setAttr(el, "aria-label", parts.join(", "));
  }

  /**
   * A note on a node card, under its header: the countdown of what the control plane does next
   * ({text, detail, fraction} where fraction 0..1 is how far the countdown ran), or null.
   */
  setNodeNote(name, note) {
    const card = this.cards.get(name);
    if (!card) return;
    if (!note) {
      if (card.note) {
        card.note.el.remove();
        card.note = null;
      }
      return;
    }
    if (!card.note) {
      const text = h("span", { class: "nc-text" });
      const detail = h("span", { class: "nc-detail" });
      const fill = h("span", { class: "nc-fill" });
      const el = h("div", { class: "node-countdown", role: "timer", "aria-live": "off" },
        h("div", { class: "nc-head" }, text, detail), h("span", { class: "nc-bar", "aria-hidden": "true" }, fill));
      card.el.querySelector(".node-head").after(el);
      card.note = { el, text, detail, fill };
    }
    setText(card.note.text, note.text);
    setText(card.note.detail, note.detail || "");
    card.note.fill.style.width = `${Math.round(Math.min(1, Math.max(0, note.fraction || 0)) * 100)}%`;
  }

  // ---------------------------------------------------------------- pods
  containerFor(pod) {
    if (pod.node) {
      const card = this.cards.get(pod.node);
      if (card) return card.pods;
      return this.trayGroup(`Bound to ${pod.node}, which is not in the picture`).list;
    }
    return this.trayGroup(pod.pendingReason || "Waiting for the scheduler").list;
  }

  trayGroup(reason) {
    let group = this.trayGroups.get(reason);
    if (!group) {
      const list = h("div", { class: "pods", role: "group", "aria-label": reason });
      const el = h("div", { class: "tray-group" }, h("p", { class: "reason", text: reason }), list);
      group = { el, list, reason };
      this.trayGroups.set(reason, group);
      this.trayEl.append(el);
    }
    return group;
  }

  pruneTray() {
    for (const [reason, group] of this.trayGroups) {
      if (group.list.firstElementChild) continue;
      group.el.remove();
      this.trayGroups.delete(reason);
    }
  }

  upsertChip(pod) {
    let rec = this.chips.get(pod.key);
    if (!rec) {
      const icon = h("i", { class: "pi", "aria-hidden": "true" });
      const label = h("span", { class: "pl" });
      const el = h("span", { class: "pod", role: "button", tabindex: "-1", "data-key": pod.key, "data-ns": pod.namespace }, icon, label);
      rec = { key: pod.key, el, label, sig: "", container: null };
      this.chips.set(pod.key, rec);
    }
    const state = podState(pod);
    const backs = this.store.servicesByPod.has(pod.key);
    const sig = `${state}|${pod.status}|${pod.readyText}|${pod.restarts}|${pod.node}|${backs}|${pod.name}`;
    if (sig !== rec.sig) {
      rec.sig = sig;
      const el = rec.el;
      el.className = `pod st-${state}${backs ? " backs" : ""}${this.isSelected("Pod", pod.key) ? " selected" : ""}`;
      el.dataset.state = state;
      el.dataset.status = pod.status || "";
      el.dataset.node = pod.node || "";
      setText(rec.label, shortPodName(pod));
      el.setAttribute("aria-label", podDescription(pod));
    }
    const target = this.containerFor(pod);
    if (rec.container !== target) {
      insertSorted(target, rec.el, pod.key);
      rec.container = target;
    }
    return rec;
  }

  removeChip(key, animate) {
    const rec = this.chips.get(key);
    if (!rec) return;
    this.chips.delete(key);
    const el = rec.el;
    if (document.activeElement === el) {
      const card = el.closest(".node");
      if (card) card.focus();
    }
    delete el.dataset.key;
    el.dataset.gone = key;
    el.classList.add("leaving");
    el.removeAttribute("tabindex");
    el.setAttribute("aria-hidden", "true");
    if (!animate || !this.canAnimate()) {
      el.remove();
      return;
    }
    const done = () => {
      if (!el.isConnected) return;
      el.remove();
      this.pruneTray();
    };
    el.animate([{ opacity: 1, transform: "scale(1)" }, { opacity: 0, transform: "scale(0.2)" }], { duration: 450, easing: "ease-in" }).onfinish = done;
    setTimeout(done, 1200);
  }

  canAnimate() {
    return this.animations && document.visibilityState === "visible" && !reducedMotion();
  }

  /** Read where chips that are about to move or vanish are now, before anything is written. */
  measureDepartures(podChanges) {
    const flights = [];
    if (!this.canAnimate() || !this.flights) return flights;
    const now = performance.now();
    let budget = ANIMATION_BUDGET;
    for (const change of podChanges) {
      if (budget <= 0) break;
      const rec = this.chips.get(change.key);
      if (!change.view) {
        const owner = change.old && change.old.owner;
        if (rec && owner && this.shown(rec)) {
          const rect = visibleRect(rec.el);
          if (rect) {
            let list = this.departed.get(owner.uid);
            if (!list) this.departed.set(owner.uid, (list = []));
            list.push({ rect, t: now });
            budget -= 1;
          }
        }
      } else if (rec) {
        const oldNode = change.old ? change.old.node || "" : "";
        if (oldNode !== (change.view.node || "") && this.shown(rec)) {
          const rect = visibleRect(rec.el);
          if (rect) {
            flights.push({ key: change.key, rect });
            budget -= 1;
          }
        }
      } else if (change.view.owner) {
        // A new pod of an owner that just lost one (an evicted or deleted pod's replacement):
        // let it come from where its predecessor was.
        const list = this.departed.get(change.view.owner.uid);
        while (list && list.length && now - list[0].t > 20000) list.shift();
        if (list && list.length) {
          flights.push({ key: change.key, rect: list.shift().rect });
          budget -= 1;
        }
      }
    }
    for (const [uid, list] of this.departed) {
      if (!list.length || now - list[list.length - 1].t > 20000) this.departed.delete(uid);
    }
    return flights;
  }

  /** Whether a chip's card (or the Pending tray) is on screen, so measuring it is cheap. */
  shown(rec) {
    if (!this.watcher) return true;
    const container = rec.container;
    if (!container) return false;
    const box = container.closest(".node, .tray");
    return !!box && this.onScreen.has(box);
  }

  fly(flights) {
    for (const flight of flights) {
      const rec = this.chips.get(flight.key);
      if (!rec || !this.shown(rec)) continue;
      const to = visibleRect(rec.el);
      if (!to) continue;
      const from = flight.rect;
      const dx = from.left - to.left;
      const dy = from.top - to.top;
      if (Math.abs(dx) + Math.abs(dy) < 4) continue;
      const ghost = rec.el.cloneNode(true);
      delete ghost.dataset.key;
      ghost.removeAttribute("tabindex");
      ghost.removeAttribute("role");
      ghost.classList.add("ghost");
      // The ghost is drawn at the picture's zoom; its lengths are in its own (zoomed) units.
      const z = this.zoom || 1;
      ghost.style.zoom = String(z);
      ghost.style.left = `${to.left / z}px`;
      ghost.style.top = `${to.top / z}px`;
      ghost.style.width = `${to.width / z}px`;
      ghost.style.height = `${to.height / z}px`;
      this.flights.append(ghost);
      const el = rec.el;
      el.style.visibility = "hidden";
      const done = () => {
        ghost.remove();
        el.style.visibility = "";
      };
      ghost.animate([{ transform: `translate(${dx / z}px, ${dy / z}px) scale(1.4)` }, { transform: "translate(0, 0) scale(1)" }],
        { duration: FLIGHT_MS, easing: "cubic-bezier(.25,.7,.25,1)" }).onfinish = done;
      setTimeout(done, FLIGHT_MS + 700);
    }
  }

  updateCounts() {
    let pending = 0;
    const ns = this.namespace;
    for (const key of this.store.podsByNode.get("") || []) {
      if (!ns || key.startsWith(ns + "/")) pending += 1;
    }
    setText(this.trayCountEl, String(pending));
    toggleClass(this.trayEl.parentElement, "has-pending", pending > 0);
  }

  applyDensity() {
    const level = this.density === "auto" ? this.level : this.density;
    const counts = level === "counts";
    toggleClass(this.root, "dots", level === "dots" || counts); // counts: the Pending tray's chips are shapes
    const was = this.root.classList.contains("counts");
    toggleClass(this.root, "counts", counts);
    toggleClass(this.root, "many-nodes", this.cards.size > 24);
    if (counts && !was) for (const card of this.cards.values()) this.renderTally(card);
  }

  /** Counts per node: how many of the node's pods are in each state, one shape and a number per state. */
  renderTally(card) {
    if (!this.root.classList.contains("counts")) return;
    const counts = new Map();
    for (const key of this.store.podsByNode.get(card.name) || []) {
      const rec = this.chips.get(key);
      if (!rec || (this.namespace && !key.startsWith(this.namespace + "/"))) continue;
      const state = rec.el.dataset.state || "unknown";
      counts.set(state, (counts.get(state) || 0) + 1);
    }
    const order = Object.keys(STATES);
    const entries = [...counts].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
    const sig = entries.map(([s, n]) => `${s}:${n}`).join(",");
    if (sig === card.tallySig) return;
    card.tallySig = sig;
    const total = entries.reduce((sum, [, n]) => sum + n, 0);
    card.tally.dataset.count = String(total);
    card.tally.replaceChildren(...entries.map(([state, n]) => h("span", {
      class: `pod st-${state} tally-item`, "data-state": state, title: `${n} ${STATES[state].label}` },
    h("i", { class: "pi", "aria-hidden": "true" }), h("span", { class: "pl", text: String(n) }))));
    setAttr(card.tally, "aria-label", total ? entries.map(([state, n]) => `${n} ${STATES[state].label}`).join(", ") : "no pods");
  }

  setDensity(density) {
    this.density = density;
    this.levelKey = "";
    this.applyDensity();
    this.fitter.request();
    this.queueLines();
  }

  // ---------------------------------------------------------------- services
  syncServices(batch) {
    const store = this.store;
    const services = [...store.all("Service").values()].sort((a, b) => (a.key < b.key ? -1 : 1));
    const wanted = new Set(services.map((s) => s.key));
    for (const [key, rec] of this.serviceCards) {
      if (!wanted.has(key)) {
        rec.el.remove();
        this.serviceCards.delete(key);
        if (this.hotService === key) this.hotService = null;
      }
    }
    const order = [];
    for (const svc of services) {
      let rec = this.serviceCards.get(svc.key);
      if (!rec) {
        const title = h("h3", { class: "svc-name" });
        const meta = h("p", { class: "svc-meta" });
        const eps = h("p", { class: "svc-eps" });
        const el = h("article", { class: "service", tabindex: "0", "data-key": svc.key, "data-ns": svc.namespace }, title, meta, eps);
        rec = { el, title, meta, eps, sig: "" };
        this.serviceCards.set(svc.key, rec);
      }
      const endpoints = svc.endpoints || [];
      const sig = JSON.stringify([svc.name, svc.namespace, svc.type, svc.clusterIP, svc.ports, svc.selector, endpoints]);
      if (sig !== rec.sig) {
        rec.sig = sig;
        setText(rec.title, svc.name);
        const selector = Object.entries(svc.selector || {}).map(([k, v]) => `${k}=${v}`).join(",");
        // Words that belong together do not break: "app=web" is never "app=we / b".
        rec.meta.replaceChildren(...[`${svc.type || "ClusterIP"} ${svc.clusterIP || ""}`.trim(), (svc.ports || []).join(" "), selector]
          .filter(Boolean).flatMap((part, i) => [i ? " · " : "", h("span", { text: part })]));
        const selects = Object.keys(svc.selector || {}).length > 0;
        setText(rec.eps, endpoints.length ? `→ ${fmt.plural(endpoints.length, "ready endpoint")}`
          : selects ? "→ no ready endpoints" : "no selector: endpoints are not pods");
        toggleClass(rec.el, "no-endpoints", endpoints.length === 0 && selects);
        rec.el.dataset.endpoints = String(endpoints.length);
        setAttr(rec.el, "aria-label", `Service ${svc.key}, ${fmt.plural(endpoints.length, "ready endpoint")}`);
      }
      order.push(rec.el);
    }
    reorder(this.servicesEl, order);
    setText(this.servicesCountEl, services.length ? `(${services.length})` : "");
    // Chips show whether a service routes to them.
    const touched = new Set();
    for (const change of batch.objects.values()) {
      if (change.kind !== "Service") continue;
      for (const key of (change.old && change.old.endpoints) || []) touched.add(key);
      for (const key of (change.view && change.view.endpoints) || []) touched.add(key);
    }
    if (batch.snapshot) for (const key of this.chips.keys()) touched.add(key);
    for (const key of touched) {
      const pod = store.get("Pod", key);
      if (pod && this.chips.has(key)) this.upsertChip(pod);
    }
    if (this.hotService) this.highlightService(this.hotService);
  }

  highlightService(key) {
    for (const el of this.root.querySelectorAll(".pod.linked")) el.classList.remove("linked");
    for (const rec of this.serviceCards.values()) rec.el.classList.remove("hot");
    this.hotService = key;
    if (this.svg) toggleClass(this.svg, "on-top", !!key);
    if (key) {
      const svc = this.store.get("Service", key);
      const rec = this.serviceCards.get(key);
      if (rec) rec.el.classList.add("hot");
      for (const podKey of (svc && svc.endpoints) || []) {
        const chip = this.chips.get(podKey);
        if (chip) chip.el.classList.add("linked");
      }
    }
    this.queueLines();
  }

  queueLines() {
    if (this.linesQueued) return;
    this.linesQueued = true;
    requestAnimationFrame(() => {
      this.linesQueued = false;
      this.drawLines();
    });
  }

  drawLines() {
    const svg = this.svg;
    if (!svg || this.root.closest("[hidden]")) return;
    const ns = this.namespace;
    let services = [];
    if (this.hotService) {
      const svc = this.store.get("Service", this.hotService);
      if (svc) services = [svc];
    } else {
      let total = 0;
      for (const svc of this.store.all("Service").values()) {
        if (ns && svc.namespace !== ns) continue;
        total += (svc.endpoints || []).length;
        services.push(svc);
      }
      if (total > LINK_LIMIT) services = [];
    }
    const paths = [];
    // Rectangles are on screen (zoomed); the SVG draws in the canvas's own units.
    const z = this.zoom || 1;
    if (services.length) {
      const origin = this.canvas.getBoundingClientRect();
      for (const svc of services) {
        const rec = this.serviceCards.get(svc.key);
        if (!rec) continue;
        const s = rec.el.getBoundingClientRect();
        if (!s.width) continue;
        const x1 = (s.right - origin.left) / z;
        const y1 = (s.top + s.height / 2 - origin.top) / z;
        let d = "";
        for (const podKey of svc.endpoints || []) {
          const chip = this.chips.get(podKey);
          if (!chip) continue;
          const p = chip.el.getBoundingClientRect();
          if (!p.width) continue;
          const x2 = (p.left + p.width / 2 - origin.left) / z;
          const y2 = (p.top + p.height / 2 - origin.top) / z;
          const bend = Math.max(40, (x2 - x1) / 2);
          d += `M${x1.toFixed(1)} ${y1.toFixed(1)}C${(x1 + bend).toFixed(1)} ${y1.toFixed(1)} ${(x2 - bend).toFixed(1)} ${y2.toFixed(1)} ${x2.toFixed(1)} ${y2.toFixed(1)}`;
        }
        if (d) {
          const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
          path.setAttribute("d", d);
          path.setAttribute("class", svc.key === this.hotService ? "hot" : "");
          path.dataset.service = svc.key;
          paths.push(path);
        }
      }
    }
    // Sized by the stylesheet (the canvas's box): a size set here would hold the canvas wide when the zoom grows.
    svg.replaceChildren(...paths);
  }

  // ---------------------------------------------------------------- filter, selection
  setNamespace(ns) {
    this.namespace = ns;
    this.filterStyle.textContent = ns
      ? `#topology [data-ns]:not([data-ns="${CSS.escape(ns)}"]) { display: none; }`
      : "";
    this.updateCounts();
    for (const card of this.cards.values()) this.renderTally(card);
    this.fitter.request();
    this.queueLines();
  }

  isSelected(kind, key) {
    return !!this.selected && this.selected.kind === kind && this.selected.key === key;
  }

  elementFor(kind, key) {
    if (kind === "Pod") return this.chips.get(key)?.el;
    if (kind === "Node") return this.cards.get(key)?.el;
    if (kind === "Service") return this.serviceCards.get(key)?.el;
    return null;
  }

  setSelected(kind, key) {
    if (this.selected) {
      const old = this.elementFor(this.selected.kind, this.selected.key);
      if (old) old.classList.remove("selected");
    }
    this.selected = kind ? { kind, key } : null;
    const el = kind && this.elementFor(kind, key);
    if (el) el.classList.add("selected");
  }

  reveal(kind, key) {
    const el = this.elementFor(kind, key);
    if (!el) return false;
    el.scrollIntoView({ block: "nearest", inline: "nearest", behavior: this.canAnimate() ? "smooth" : "auto" });
    if (this.canAnimate()) {
      el.animate([{ outlineColor: "rgba(255,170,0,1)", outlineWidth: "4px" }, { outlineColor: "rgba(255,170,0,0)", outlineWidth: "4px" }],
        { duration: 1400 });
    }
    return true;
  }

  // ---------------------------------------------------------------- input
  bindEvents() {
    const root = this.root;
    root.addEventListener("click", (event) => {
      const button = event.target.closest("button");
      if (button) {
        const comp = button.dataset.component;
        if (comp) return this.ui.componentPower(comp, button.dataset.on === "true", button);
        const card = button.closest(".node");
        if (card && button.dataset.act) return this.ui.nodeAction(card.dataset.node, button.dataset.act, button);
        return;
      }
      const chip = event.target.closest(".pod[data-key]");
      if (chip) return this.ui.select("Pod", chip.dataset.key);
      const svc = event.target.closest(".service[data-key]");
      if (svc) return this.ui.select("Service", svc.dataset.key);
      const card = event.target.closest(".node");
      if (card) return this.ui.select("Node", card.dataset.node);
    });
    root.addEventListener("keydown", (event) => this.onKey(event));
    root.addEventListener("pointerover", (event) => {
      const svc = event.target.closest(".service[data-key]");
      if (svc && svc.dataset.key !== this.hotService) this.highlightService(svc.dataset.key);
      const chip = event.target.closest(".pod[data-key]");
      if (chip) this.ui.tooltip.show(chip, this.store.get("Pod", chip.dataset.key));
    });
    root.addEventListener("pointerout", (event) => {
      const svc = event.target.closest(".service[data-key]");
      if (svc && !svc.contains(event.relatedTarget) && this.hotService === svc.dataset.key && document.activeElement !== svc) {
        this.highlightService(null);
      }
      const chip = event.target.closest(".pod[data-key]");
      if (chip && !chip.contains(event.relatedTarget)) this.ui.tooltip.hide(chip);
    });
    root.addEventListener("focusin", (event) => {
      const svc = event.target.closest(".service[data-key]");
      if (svc) this.highlightService(svc.dataset.key);
      const chip = event.target.closest(".pod[data-key]");
      if (chip) this.ui.tooltip.show(chip, this.store.get("Pod", chip.dataset.key));
    });
    root.addEventListener("focusout", (event) => {
      const svc = event.target.closest(".service[data-key]");
      if (svc && this.hotService === svc.dataset.key) this.highlightService(null);
      const chip = event.target.closest(".pod[data-key]");
      if (chip) this.ui.tooltip.hide(chip);
    });
    root.addEventListener("scroll", () => {
      if (this.svg && this.svg.firstChild) this.queueLines();
    }, { passive: true });
    window.addEventListener("resize", () => this.queueLines());
    // Any change of the picture's size (details panel, presentation mode, timeline) moves chips.
    if (window.ResizeObserver) new ResizeObserver(() => this.queueLines()).observe(this.canvas);
  }

  onKey(event) {
    const target = event.target;
    if (target.closest("button, input, select, textarea")) return;
    const chip = target.closest(".pod[data-key]");
    const card = target.closest(".node, .service");
    if (chip) {
      let next = null;
      if (event.key === "ArrowRight" || event.key === "ArrowDown") next = sibling(chip, 1);
      else if (event.key === "ArrowLeft" || event.key === "ArrowUp") next = sibling(chip, -1);
      else if (event.key === "Home") next = sibling(chip.parentElement.firstElementChild, 0);
      else if (event.key === "End") next = sibling(chip.parentElement.lastElementChild, 0, -1);
      else if (event.key === "Enter" || event.key === " ") {
        this.ui.select("Pod", chip.dataset.key);
      } else if (event.key === "Escape") {
        (chip.closest(".node, .tray") || this.root).focus();
      } else if (event.key === "Delete") {
        this.ui.deletePod(chip.dataset.key, null);
      } else return;
      event.preventDefault();
      if (next) next.focus();
      return;
    }
    if (card && target === card) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        if (card.classList.contains("node")) this.ui.select("Node", card.dataset.node);
        else this.ui.select("Service", card.dataset.key);
      } else if (event.key === "ArrowDown" && card.classList.contains("node")) {
        const first = sibling(card.querySelector(".pods")?.firstElementChild, 0);
        if (first) {
          event.preventDefault();
          first.focus();
        }
      }
    }
    if (target.id === "pending-tray" && event.key === "ArrowDown") {
      const first = sibling(target.querySelector(".pods")?.firstElementChild, 0);
      if (first) {
        event.preventDefault();
        first.focus();
      }
    }
  }
}

// ------------------------------------------------------------------ helpers
function bar(label) {
  const fill = h("span", { class: "bar-fill" });
  const text = h("span", { class: "bar-text" });
  const el = h("div", { class: `bar bar-${label}`, role: "meter", "aria-label": `${label} requested`, "aria-valuemin": "0", "aria-valuemax": "100" },
    h("span", { class: "bar-label", text: label === "memory" ? "mem" : label }), h("span", { class: "bar-track" }, fill), text);
  return { el, fill, text, label };
}

function setBar(b, used, total, format) {
  const pct = fmt.percent(used, total);
  const width = `${pct.toFixed(1)}%`;
  if (b.fill.style.width !== width) b.fill.style.width = width;
  toggleClass(b.el, "high", pct >= 90);
  setText(b.text, `${format(used)}/${format(total)}`);
  setAttr(b.el, "aria-valuenow", Math.round(pct));
  setAttr(b.el, "aria-valuetext", `${format(used)} of ${format(total)} ${b.label} requested`);
}

/** Put `el` among `container`'s children in key order (children are kept sorted). */
function insertSorted(container, el, key) {
  const kids = container.children;
  let lo = 0;
  let hi = kids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const k = kids[mid].dataset.key || kids[mid].dataset.gone || "";
    if (k < key) lo = mid + 1;
    else hi = mid;
  }
  container.insertBefore(el, kids[lo] || null);
}

/** Make `container`'s children exactly `elements`, in order, moving as few as possible. */
function reorder(container, elements) {
  let i = 0;
  let child = container.firstElementChild;
  for (; i < elements.length; i++) {
    if (child !== elements[i]) break;
    child = child.nextElementSibling;
  }
  if (i === elements.length && !child) return;
  for (let j = i; j < elements.length; j++) container.append(elements[j]);
  for (const el of [...container.children]) if (!elements.includes(el)) el.remove();
}

function sibling(el, step, dir = 1) {
  let cur = el;
  if (step !== 0) cur = step > 0 ? el.nextElementSibling : el.previousElementSibling;
  while (cur && (!cur.dataset.key || cur.offsetParent === null)) {
    cur = (step || dir) > 0 ? cur.nextElementSibling : cur.previousElementSibling;
  }
  return cur;
}

function visibleRect(el) {
  if (!el.isConnected) return null;
  const r = el.getBoundingClientRect();
  if (!r.width || r.bottom < 0 || r.right < 0 || r.top > window.innerHeight || r.left > window.innerWidth) return null;
  return r;
}
