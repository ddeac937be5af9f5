// The cluster page: wires the live feed, the store and the views, and runs the actions.
//
// One render loop: the feed writes into the store as frames arrive; the store asks for a
// frame; each animation frame hands the accumulated changes to every view once. Nothing
// re-renders the whole picture per frame.

import { Api } from "./api.js";
import { DetailsPanel } from "./details.js";
import { h, setAttr, setText, toggleClass } from "./dom.js";
import { LiveFeed } from "./feed.js";
import * as fmt from "./format.js";
import { OwnershipView } from "./ownership.js";
import { podStatusText } from "./podstate.js";
import { Classroom } from "./classroom.js";
import { ClusterStore } from "./store.js";
import { Story } from "./story.js";
import { Timeline } from "./timeline.js";
import { TopologyView } from "./topology.js";
import { YamlEditor } from "./yaml-editor.js";

const $ = (selector) => document.querySelector(selector);
const body = document.body;
const clusterName = body.dataset.cluster;
const wsUrl = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${body.dataset.wsPath}`;

// ------------------------------------------------------------------ feedback
class Toasts {
  constructor(el) {
    this.el = el;
  }

  show(text, kind = "ok") {
    const close = h("button", { type: "button", class: "toast-close", "aria-label": "Dismiss", text: "×" });
    const toast = h("div", { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status" },
      h("span", { class: "toast-mark", "aria-hidden": "true", text: kind === "error" ? "✗" : "✓" }),
      h("span", { class: "toast-text", text }), close);
    close.addEventListener("click", () => toast.remove());
    setAttr(toast, "title", text);
    this.el.append(toast);
    while (this.el.children.length > 2) this.el.firstElementChild.remove();
    setTimeout(() => toast.remove(), kind === "error" ? 12000 : 5000);
    return toast;
  }
}

class Tooltip {
  constructor(el) {
    this.el = el;
    this.anchor = null;
  }

  show(anchor, pod) {
    if (!pod) return;
    this.anchor = anchor;
    const rows = (pod.containers || []).map((c) => h("tr", {},
      h("td", { text: c.name }), h("td", { text: c.image }),
      h("td", { text: `${c.state}${c.reason ? " (" + c.reason + ")" : ""}` }),
      h("td", { text: c.ready ? "ready" : "not ready" }),
      h("td", { text: c.restarts ? `${c.restarts} restarts` : "" })));
    this.el.replaceChildren(
      h("strong", { text: `${pod.namespace}/${pod.name}` }),
      h("div", { text: `${podStatusText(pod)} · ${pod.readyText || ""} ready${pod.restarts ? ` · ${pod.restarts} restarts` : ""}` }),
      h("div", { text: pod.node ? `node ${pod.node}${pod.ip ? " · " + pod.ip : ""}` : pod.pendingReason || "not scheduled yet" }),
      podWhy(pod) ? h("div", { class: "tip-why", text: podWhy(pod) }) : null,
      rows.length ? h("table", {}, h("tbody", {}, ...rows)) : h("div", { class: "muted", text: "no containers reported yet" }));
    this.el.hidden = false;
    anchor.setAttribute("aria-describedby", "pod-tooltip");
    const r = anchor.getBoundingClientRect();
    const t = this.el.getBoundingClientRect();
    let top = r.bottom + 6;
    if (top + t.height > window.innerHeight - 4) top = Math.max(4, r.top - t.height - 6);
    const left = Math.max(4, Math.min(window.innerWidth - t.width - 4, r.left));
    this.el.style.transform = `translate(${Math.round(left)}px, ${Math.round(top)}px)`;
  }

  hide(anchor) {
    if (anchor && anchor !== this.anchor) return;
    if (this.anchor) this.anchor.removeAttribute("aria-describedby");
    this.anchor = null;
    this.el.hidden = true;
  }
}

/** Why a pod on a lost node looks the way it does (the tooltip's answer to "why is it struck through?"). */
function podWhy(pod) {
  if (!pod.node) return "";
  const node = store.get("Node", pod.node);
  const machine = store.machines.get(pod.node);
  const lost = (machine && !machine.powered) || (node && node.ready !== "True");
  if (!lost) return "";
  if (pod.deleting) {
    return `Evicted: ${pod.node} stopped reporting, so its taint's toleration ran out and the pod was deleted; `
      + "it stays Terminating because no kubelet is there to confirm it stopped. Its ReplicaSet has already replaced it.";
  }
  return `${pod.node} stopped reporting: this status is the last its kubelet sent. The pod is evicted when its toleration of the node's taint runs out.`;
}

// ------------------------------------------------------------------ the page
const store = new ClusterStore();
const api = new Api(clusterName);
const toasts = new Toasts($("#toasts"));
const stats = { frames: 0, lastFrameMs: 0, maxFrameMs: 0, renderedRevision: null, renderedAt: 0 };
const waiters = [];

const ui = {
  tooltip: new Tooltip($("#pod-tooltip")),
  toast: (text, kind) => toasts.show(text, kind),
  readOnly: null,

  /**
   * Replay shows the past: hold the live feed and refuse actions with the message `why`;
   * null goes back to live (a fresh snapshot from the feed).
   */
  setReadOnly(why) {
    ui.readOnly = why || null;
    toggleClass(body, "replaying", !!why);
    if (why) feed.hold();
    else feed.release();
    header.renderClock();
  },

  /**
   * Run one action: the button shows it is working at once (busy, disabled) and the
   * outcome comes as a message. `failure` may return false when it showed the error itself.
   */
  async run(button, busyText, action, success, failure) {
    if (ui.readOnly) {
      toasts.show(ui.readOnly, "error");
      return undefined;
    }
    if (button) {
      if (button.getAttribute("aria-busy") === "true") return undefined;
      button.setAttribute("aria-busy", "true");
      button.disabled = true;
      if (busyText) button.dataset.busyText = busyText;
    }
    try {
      const result = await action();
      const message = success ? success(result) : null;
      if (message) toasts.show(message, "ok");
      return result;
    } catch (error) {
      const shown = failure ? failure(error) : undefined;
      if (shown !== false) toasts.show(error.message, "error");
      return undefined;
    } finally {
      if (button) {
        button.removeAttribute("aria-busy");
        button.disabled = false;
        delete button.dataset.busyText;
      }
    }
  },

  select(kind, key, opts = {}) {
    if (!kind || !key) {
      details.close();
      topology.setSelected(null);
      return;
    }
    details.open(kind, key, opts.tab);
    topology.setSelected(kind, key);
    if (opts.reveal && !topology.root.closest("[hidden]")) topology.reveal(kind, key);
  },

  nodeAction(name, act, button) {
    const machine = store.machines.get(name);
    const node = store.get("Node", name);
    if (act === "power") {
      const on = machine ? !machine.powered : false;
      return ui.run(button, on ? "Powering on…" : "Powering off…", () => api.powerNode(name, on),
        () => on ? `${name} powered on: its kubelet registers and heartbeats again.`
          : `${name} powered off: the control plane notices only when heartbeats stop arriving.`);
    }
    if (act === "cordon") {
      const cordon = !(node && node.unschedulable);
      return ui.run(button, cordon ? "Cordoning…" : "Uncordoning…", () => api.cordon(name, cordon),
        () => cordon ? `${name} cordoned: no new pods are scheduled there.` : `${name} uncordoned.`);
    }
    if (act === "drain") {
      return ui.run(button, "Draining…", () => api.drainNode(name), (result) => {
        const evicted = (result && result.evicted) || [];
        return `${name} drained: ${fmt.plural(evicted.length, "pod")} evicted${evicted.length ? " (" + evicted.slice(0, 5).join(", ") + (evicted.length > 5 ? ", …" : "") + ")" : ""}.`;
      });
    }
    return undefined;
  },

  componentPower(name, on, button) {
    return ui.run(button, on ? "Starting…" : "Stopping…", () => api.powerComponent(name, on),
      () => `${name} ${on ? "started" : "stopped"}.`);
  },

  deletePod(key, button) {
    const pod = store.get("Pod", key);
    if (!pod) return undefined;
    return ui.run(button, "Deleting…", () => api.deletePod(pod.namespace, pod.name), () => `Deleting pod ${key}.`);
  },

  scale(namespace, name, replicas, button) {
    if (!Number.isInteger(replicas) || replicas < 0) {
      toasts.show("Replicas must be a whole number, 0 or more.", "error");
      return undefined;
    }
    return ui.run(button, "Scaling…", () => api.scale(namespace, name, replicas),
      () => `Scaled deployment ${namespace}/${name} to ${fmt.plural(replicas, "replica")}.`);
  },

  setImage(namespace, name, container, image, button) {
    if (!image) {
      toasts.show("Enter an image, for example nginx:1.27.", "error");
      return undefined;
    }
    return ui.run(button, "Updating…", () => api.setImage(namespace, name, container, image),
      () => `Deployment ${namespace}/${name}: container ${container} now uses ${image}; a rollout starts.`);
  },

  openYamlEditor(text) {
    yamlEditor.open(text);
  },

  /** A reset the page itself asks for: its reconnect shows `text`, not an alarm (null: it failed). */
  expectReset(text) {
    feed.expectReset(text);
  },
};

const topology = new TopologyView({ root: $("#topology"), store, ui });
const ownership = new OwnershipView({ el: $("#view-ownership"), store, ui });
const timeline = new Timeline({ el: $("#timeline"), store, ui });
const details = new DetailsPanel({ el: $("#details"), store, api, ui });
const yamlEditor = new YamlEditor({ dialog: $("#dlg-yaml"), api, ui });
const classroom = new Classroom({ el: $("#classroom"), toggle: $("#toggle-classroom"), store, api, ui, cluster: clusterName });
// A link may ask for a lesson (/clusters/C/playground/?lesson=NAME, from the landing page): open the
// drawer and start it, once; the address loses the parameter so a reload does not reset again.
const askedLesson = new URLSearchParams(location.search).get("lesson");
if (askedLesson) {
  history.replaceState(null, "", location.pathname);
  classroom.show("scenario");
  classroom.panels.scenario.launch(askedLesson);
}
const story = new Story({ banner: $("#story-banner"), store, api, topology, simNow: () => header.simNow() });

// ------------------------------------------------------------------ render loop
let frameQueued = false;

function queueFrame() {
  if (frameQueued) return;
  frameQueued = true;
  // Hidden pages get no animation frames; keep them current with a slow timer instead.
  if (document.visibilityState === "hidden") setTimeout(frame, 300);
  else requestAnimationFrame(frame);
}

function frame() {
  frameQueued = false;
  const t0 = performance.now();
  if (store.hasPending()) {
    const batch = store.takeChanges();
    topology.apply(batch);
    ownership.apply(batch);
    timeline.apply(batch);
    details.apply(batch);
    header.apply(batch);
    classroom.apply(batch);
    story.apply(batch);
    const ms = performance.now() - t0;
    stats.frames += 1;
    stats.lastFrameMs = ms;
    stats.maxFrameMs = Math.max(stats.maxFrameMs, ms);
  } else {
    header.apply({ objects: new Map() });
  }
  // Deltas with nothing to draw (leases, for instance) still move the page to their revision.
  stats.renderedRevision = store.revision;
  stats.renderedAt = Date.now();
  for (let i = waiters.length - 1; i >= 0; i--) {
    let done = false;
    try {
      done = waiters[i].test(store);
    } catch {
      done = false;
    }
    if (done) {
      waiters[i].resolve(Date.now());
      stats.waitReceivedAt = feed.receivedAt;
      waiters.splice(i, 1);
    }
  }
}

store.onChange(queueFrame);
document.addEventListener("visibilitychange", () => {
  if (store.hasPending()) {
    frameQueued = false;
    queueFrame();
  }
});

// ------------------------------------------------------------------ header: connection, clock, filters
const header = {
  conn: $("#conn"),
  connText: $("#conn-text"),
  reconnect: $("#conn-retry"),
  revision: $("#revision"),
  simTime: $("#sim-time"),
  speed: $("#clock-speed"),
  pause: $("#clock-pause"),
  profile: $("#clock-profile"),
  ns: $("#ns-filter"),
  nsList: "",
  clockBase: null,

  status(state, info) {
    const texts = {
      connecting: "connecting…",
      loading: "loading…",
      live: "live",
      resyncing: "catching up…",
      reconnecting: `reconnecting in ${Math.ceil((info.wait || 0) / 1000)} s`,
      resetting: info.text || "resetting…",
      error: "error",
    };
    this.conn.dataset.state = state;
    setText(this.connText, texts[state] || state);
    setAttr(this.conn, "title", info.why || null);
    this.reconnect.hidden = state !== "reconnecting";
    toggleClass(body, "stale", state !== "live");
  },

  apply(batch) {
    setText(this.revision, store.revision == null ? "" : `rev ${store.revision}`);
    if (batch.cluster || batch.snapshot) this.renderClock();
    let namespacesChanged = batch.snapshot;
    if (!namespacesChanged) {
      for (const c of batch.objects.values()) if (c.kind === "Namespace" || (c.kind !== "Event" && !c.old && c.view && c.view.namespace)) namespacesChanged = true;
    }
    if (namespacesChanged) this.renderNamespaces();
  },

  renderClock() {
    const cluster = store.cluster;
    if (!cluster) return;
    const clock = cluster.clock || {};
    this.rebaseClock(clock);
    if (document.activeElement !== this.speed) {
      const value = String(clock.speed ?? 1);
      if (![...this.speed.options].some((o) => o.value === value)) this.speed.append(h("option", { value, text: `×${value}` }));
      this.speed.value = value;
    }
    // While replaying, the header shows the past's clock: there is nothing to pause or resume.
    const paused = !!clock.paused && !ui.readOnly;
    setText(this.pause, paused ? "Resume" : "Pause");
    setAttr(this.pause, "aria-pressed", paused ? "true" : "false");
    this.pause.disabled = !!ui.readOnly;
    toggleClass(body, "paused", !!clock.paused);
    if (document.activeElement !== this.profile && cluster.profile) this.profile.value = cluster.profile;
    this.tick();
  },

  /** The page runs the simulated clock itself from `now`, `speed` and `paused`; frames may omit `now`. */
  rebaseClock(clock) {
    let now = Date.parse(clock.now);
    if (Number.isNaN(now)) now = this.simNow();
    this.clockBase = { now, at: Date.now(), speed: clock.speed ?? 1, paused: !!clock.paused };
    this.tick();
  },

  simNow() {
    const base = this.clockBase;
    if (!base) return NaN;
    return base.paused ? base.now : base.now + (Date.now() - base.at) * base.speed;
  },

  tick() {
    const now = this.simNow();
    if (Number.isNaN(now)) return;
    const state = ui.readOnly ? " (replay)" : this.clockBase.paused ? " (paused)" : "";
    setText(this.simTime, new Date(now).toISOString().slice(11, 19) + state);
  },

  renderNamespaces() {
    const names = store.namespaces();
    const sig = names.join(",");
    if (sig === this.nsList) return;
    this.nsList = sig;
    const current = this.ns.value;
    this.ns.replaceChildren(h("option", { value: "", text: "All namespaces" }), ...names.map((n) => h("option", { value: n, text: n })));
    this.ns.value = names.includes(current) ? current : "";
    const list = $("#namespaces");
    if (list) list.replaceChildren(...names.map((n) => h("option", { value: n })));
  },
};
setInterval(() => header.tick(), 500);
// Someone else may jump the clock ahead; read it now and then (cheap) to stay exact.
setInterval(() => {
  if (document.visibilityState !== "visible" || feed.state !== "live" || feed.held) return;
  api.getClock().then((clock) => header.rebaseClock(clock), () => {});
}, 20000);

header.speed.addEventListener("change", () => {
  const speed = Number(header.speed.value);
  ui.run(header.speed, null, () => api.setClock({ speed }), (clock) => {
    header.rebaseClock(clock);
    return `Clock speed ×${speed}.`;
  }, (e) => {
    header.renderClock();
    toasts.show(e.message, "error");
    return false;
  });
});
header.pause.addEventListener("click", () => {
  const paused = !(store.cluster && store.cluster.clock && store.cluster.clock.paused);
  ui.run(header.pause, null, () => api.setClock({ paused }), (clock) => {
    header.rebaseClock(clock);
    return paused ? "Clock paused: the cluster stands still." : "Clock running.";
  });
});
$("#clock-advance").addEventListener("click", (event) => {
  ui.run(event.currentTarget, null, () => api.setClock({ advance: 30 }), (clock) => {
    header.rebaseClock(clock);
    return "Skipped 30 simulated seconds.";
  });
});
header.profile.addEventListener("change", () => {
  const profile = header.profile.value;
  ui.run(header.profile, null, () => api.setClock({ profile }), () => `Timing profile: ${profile}.`, (e) => {
    header.renderClock();
    toasts.show(e.message, "error");
    return false;
  });
});
header.ns.addEventListener("change", () => {
  const ns = header.ns.value;
  topology.setNamespace(ns);
  ownership.setNamespace(ns);
  timeline.setNamespace(ns);
});
header.reconnect.addEventListener("click", () => feed.reconnectNow());

// ------------------------------------------------------------------ views, presentation, density
const viewTabs = [...document.querySelectorAll("[data-view]")];
function showView(name) {
  for (const tab of viewTabs) {
    const on = tab.dataset.view === name;
    tab.setAttribute("aria-selected", String(on));
    tab.tabIndex = on ? 0 : -1;
    $(`#view-${tab.dataset.view}`).hidden = !on;
  }
  if (name === "ownership") ownership.show();
  else topology.queueLines();
}
for (const tab of viewTabs) {
  tab.addEventListener("click", () => showView(tab.dataset.view));
  tab.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
    event.preventDefault();
    const i = viewTabs.indexOf(tab);
    const next = viewTabs[(i + (event.key === "ArrowRight" ? 1 : viewTabs.length - 1)) % viewTabs.length];
    next.focus();
    showView(next.dataset.view);
  });
}

const presentButton = $("#toggle-presentation");
function setPresentation(on) {
  toggleClass(body, "presentation", on);
  toggleClass(document.documentElement, "presentation", on);
  presentButton.setAttribute("aria-pressed", String(on));
  try {
    localStorage.setItem("playground.presentation", on ? "1" : "");
  } catch {
    /* storage may be unavailable */
  }
  topology.fitter.request();
  topology.queueLines();
}
presentButton.addEventListener("click", () => setPresentation(!body.classList.contains("presentation")));
try {
  setPresentation(localStorage.getItem("playground.presentation") === "1");
} catch {
  setPresentation(false);
}
$("#density").addEventListener("change", (event) => topology.setDensity(event.target.value));

// The "More" menu of rarely used actions: closes after a choice, on a click elsewhere and on Esc.
const moreMenu = $("#more-menu");
moreMenu.addEventListener("click", (event) => {
  if (event.target.closest(".menu-items button")) moreMenu.open = false;
});
document.addEventListener("click", (event) => {
  if (moreMenu.open && !moreMenu.contains(event.target)) moreMenu.open = false;
});
moreMenu.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && moreMenu.open) {
    event.stopPropagation();
    moreMenu.open = false;
    moreMenu.querySelector("summary").focus();
  }
});
$("#timeline-toggle").addEventListener("click", (event) => {
  const open = body.classList.toggle("timeline-collapsed") === false;
  event.currentTarget.setAttribute("aria-expanded", String(open));
  setText(event.currentTarget, open ? "Hide" : "Show");
  topology.queueLines();
});

// ------------------------------------------------------------------ dialogs
function dialog(id) {
  const dlg = $(id);
  for (const b of dlg.querySelectorAll("[data-close]")) b.addEventListener("click", () => dlg.close());
  return dlg;
}

function formError(form, error) {
  const box = form.querySelector(".form-error");
  if (!error) {
    box.replaceChildren();
    box.hidden = true;
    return;
  }
  const causes = error.causes || [];
  box.replaceChildren(h("p", { class: "error-message", text: error.message }),
    causes.length ? h("ul", { class: "causes" }, ...causes.map((c) => h("li", {}, c.field ? h("code", { text: c.field }) : null, ` ${c.message || c.reason || ""}`))) : null);
  box.hidden = false;
}

const addNode = dialog("#dlg-add-node");
$("#open-add-node").addEventListener("click", () => {
  formError(addNode.querySelector("form"), null);
  addNode.showModal();
});
addNode.querySelector("form").addEventListener("submit", (event) => {
  event.preventDefault();
  const f = event.target;
  const spec = { runtime: f.runtime.value, cpu: f.cpu.value.trim(), memory: f.memory.value.trim() };
  if (f.nodename.value.trim()) spec.name = f.nodename.value.trim();
  if (f.maxpods.value.trim()) spec.pods = Number(f.maxpods.value);
  ui.run(f.querySelector("[type=submit]"), "Adding…", () => api.addNode(spec), (m) => {
    addNode.close();
    return `Machine ${m.name} added (${m.runtime}, ${m.cpu} cpu, ${m.memory}); its kubelet registers the node.`;
  }, (error) => {
    formError(f, error);
    return false;
  });
});

const createDep = dialog("#dlg-deploy");
$("#open-deploy").addEventListener("click", () => {
  formError(createDep.querySelector("form"), null);
  const ns = createDep.querySelector("[name=namespace]");
  if (header.ns.value) ns.value = header.ns.value;
  createDep.showModal();
});
createDep.querySelector("form").addEventListener("submit", (event) => {
  event.preventDefault();
  const f = event.target;
  const name = f.depname.value.trim();
  const namespace = f.namespace.value.trim() || "default";
  const image = f.image.value.trim();
  const replicas = Number(f.replicas.value);
  const labels = { app: name };
  const container = { name: containerName(image), image };
  if (f.cpu.value.trim() || f.memory.value.trim()) {
    container.resources = { requests: {} };
    if (f.cpu.value.trim()) container.resources.requests.cpu = f.cpu.value.trim();
    if (f.memory.value.trim()) container.resources.requests.memory = f.memory.value.trim();
  }
  const deployment = {
    apiVersion: "apps/v1", kind: "Deployment",
    metadata: { name, namespace, labels },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [container] } } },
  };
  const port = Number(f.port.value);
  const expose = f.expose.checked;
  ui.run(f.querySelector("[type=submit]"), "Creating…", async () => {
    await api.createDeployment(namespace, deployment);
    if (expose) {
      try {
        await api.createService(namespace, {
          apiVersion: "v1", kind: "Service", metadata: { name, namespace, labels },
          spec: { selector: labels, ports: [{ port: port || 80, targetPort: port || 80, protocol: "TCP" }] },
        });
      } catch (error) {
        error.message = `Deployment ${name} was created, but its Service was refused: ${error.message}`;
        throw error;
      }
    }
  }, () => {
    createDep.close();
    return `Deployment ${namespace}/${name} created${expose ? " with a Service" : ""}: ${fmt.plural(replicas, "replica")} of ${image}.`;
  }, (error) => {
    formError(f, error);
    return false;
  });
});

function containerName(image) {
  const base = image.split("/").pop().split(/[:@]/)[0].toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "");
  return base || "app";
}

$("#open-yaml").addEventListener("click", () => yamlEditor.open());

const reset = dialog("#dlg-reset");
$("#open-reset").addEventListener("click", () => reset.showModal());
reset.querySelector("form").addEventListener("submit", (event) => {
  event.preventDefault();
  ui.expectReset("resetting the cluster…");
  ui.run(event.target.querySelector("[type=submit]"), "Resetting…", () => api.reset(), () => {
    reset.close();
    ui.select(null);
    return `Cluster ${clusterName} reset.`;
  }, (error) => {
    ui.expectReset(null);
    formError(event.target, error);
    return false;
  });
});

const connect = dialog("#dlg-connect");
$("#open-connect").addEventListener("click", () => connect.showModal());
{
  const path = `/clusters/${encodeURIComponent(clusterName)}/playground/kubeconfig`;
  $("#kubeconfig-link").href = path;
  $("#connect-curl").textContent = `curl -o kubeconfig ${location.protocol}//${location.host}${path}`;
  $("#connect-kubectl").textContent = "KUBECONFIG=$PWD/kubeconfig kubectl get nodes";
  for (const button of connect.querySelectorAll("[data-copy]")) {
    button.addEventListener("click", async () => {
      const text = $(button.dataset.copy).textContent;
      try {
        await navigator.clipboard.writeText(text);
        toasts.show("Copied.", "ok");
      } catch {
        const range = document.createRange();
        range.selectNodeContents($(button.dataset.copy));
        getSelection().removeAllRanges();
        getSelection().addRange(range);
        toasts.show("Selected: press Ctrl+C to copy.", "ok");
      }
    });
  }
}

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape" || document.querySelector("dialog[open]")) return;
  if (event.target.closest("input, textarea, select")) return;
  if (!$("#details").hidden) {
    const back = topology.elementFor(details.kind, details.key);
    ui.select(null);
    if (back) back.focus();
  }
});

// ------------------------------------------------------------------ start
const feed = new LiveFeed({ url: wsUrl, store, onStatus: (state, info) => header.status(state, info) });
feed.start();

// For the browser tests and the benchmark: the feed (its socket), the store, render stats,
// and a promise that resolves (with Date.now()) after the frame in which a condition holds.
window.playground = {
  store, feed, topology, ownership, details, timeline, classroom, ui, stats, api,
  whenRendered(test, timeoutMs = 60000) {
    return new Promise((resolve, reject) => {
      const waiter = { test, resolve };
      waiters.push(waiter);
      setTimeout(() => {
        const i = waiters.indexOf(waiter);
        if (i >= 0) {
          waiters.splice(i, 1);
          reject(new Error("condition not rendered in time"));
        }
      }, timeoutMs);
    });
  },
};
