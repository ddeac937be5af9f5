// Traffic through a Service: switch a steady stream of simulated requests on or off, and watch
// per second how many succeed and fail (and per pod who served them) while nodes die and recover.
//
// The server does the routing (orchestrator/traffic/); this panel reads
//   GET/POST /playground/traffic        {"service": "ns/name", "rate": N, "on": bool}
//   GET      /playground/traffic/stats  {"now", "series": [{"t", "ok", "failed", "reasons"}], "pods", ...}
// about once a second while it is shown. Succeeded and failed requests differ by pattern and by
// label, not by colour alone: solid bars are ok, hatched bars failed.

import { h, setAttr, setText } from "./dom.js";
import { DrawerPanel } from "./panel.js";

const POLL_MS = 1000;
const WINDOW = 60; // simulated seconds the chart shows
const W = 300;
const H = 110;
const PAD = { left: 30, right: 4, top: 8, bottom: 16 };
const SVG_NS = "http://www.w3.org/2000/svg";
const REASONS = {
  timeout: "timed out (node down)",
  refused: "connection refused (not serving)",
  "no endpoints": "no endpoints",
  unresolved: "service not found",
};

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  for (const child of children) el.append(child);
  return el;
}

function percent(rate) {
  if (rate == null) return "–";
  const p = rate * 100;
  return `${p === 100 || p === 0 ? p.toFixed(0) : p.toFixed(1)}%`;
}

function reasonsText(reasons) {
  const parts = Object.entries(reasons || {}).filter(([, n]) => n > 0).map(([r, n]) => `${n} ${REASONS[r] || r}`);
  return parts.join(", ");
}

export class TrafficPanel extends DrawerPanel {
  constructor(context) {
    super(context);
    const { el } = context;
    this.config = { on: false, service: null, rate: null };
    this.servicesKey = "";

    this.service = h("select", { id: "traffic-service" });
    this.rate = h("input", { id: "traffic-rate", type: "number", min: 1, max: 1000, step: 1, value: 20, class: "num" });
    this.toggle = h("button", { type: "button", id: "traffic-toggle", class: "primary", "aria-pressed": "false", text: "Start traffic" });
    this.error = h("div", { class: "form-error", role: "alert", hidden: true });
    this.status = h("p", { id: "traffic-status", class: "traffic-status", role: "status", "aria-live": "polite" });
    this.chart = this.buildChart();
    this.pods = h("ul", { id: "traffic-pods", class: "traffic-pods", "aria-label": "Requests per pod in the last minute" });

    el.append(
      h("p", { class: "muted", text: "Simulated clients on every powered worker send requests to a Service. Each goes through its node's kube-proxy to one of the Service's endpoints; it succeeds only if that pod really serves. Kill a node that runs endpoints and watch the failures until the endpoints controller drops its pods." }),
      h("div", { class: "traffic-form" },
        h("label", { for: "traffic-service", text: "Service" }), this.service,
        h("label", { for: "traffic-rate", text: "Requests a second" }), this.rate),
      h("div", { class: "traffic-buttons" }, this.toggle),
      this.error,
      this.status,
      h("figure", { class: "traffic-figure" },
        this.chart,
        h("figcaption", { class: "traffic-legend" },
          h("span", { class: "key key-ok", "aria-hidden": "true" }), " succeeded (solid) ",
          h("span", { class: "key key-failed", "aria-hidden": "true" }), " failed (hatched), per simulated second")),
      h("h3", { class: "traffic-sub", text: "Per pod, last minute" }),
      this.pods,
    );
    this.toggle.addEventListener("click", () => this.send(!this.config.on, this.toggle));
    this.service.addEventListener("change", () => { if (this.config.on) this.send(true, this.service); });
    this.rate.addEventListener("change", () => { if (this.config.on) this.send(true, this.rate); });
    this.rate.addEventListener("keydown", (event) => {
      if (event.key === "Enter") { event.preventDefault(); this.send(true, this.toggle); }
    });
    this.refreshServices();
    this.renderSwitch();
  }

  // -- the drawer's hooks
  shown() {
    super.shown();
    this.refreshServices();
    this.loadConfig();
    this.poll();
  }

  apply(batch) {
    if (!this.visible) return; // shown() reads the services afresh
    if (batch.snapshot || [...batch.objects.values()].some((change) => change.kind === "Service")) this.refreshServices();
  }

  // -- the switch
  /** Services kube-proxy routes to pods: a selector and a cluster IP. */
  refreshServices() {
    const services = [...this.store.all("Service").values()]
      .filter((s) => Object.keys(s.selector || {}).length && s.clusterIP && s.clusterIP !== "None" && s.type !== "ExternalName")
      .map((s) => s.key).sort();
    if (this.config.service && !services.includes(this.config.service)) services.push(this.config.service);
    const key = services.join(" ");
    if (key === this.servicesKey) return;
    this.servicesKey = key;
    const chosen = this.service.value || this.config.service;
    this.service.replaceChildren(...services.map((s) => h("option", { value: s, text: s })));
    if (!services.length) this.service.append(h("option", { value: "", text: "no Service with a selector yet" }));
    if (chosen && services.includes(chosen)) this.service.value = chosen;
    this.service.disabled = !services.length;
  }

  async loadConfig() {
    try {
      this.setConfig(await this.api.request("GET", "/playground/traffic"));
    } catch (error) {
      setText(this.status, `Cannot read the traffic switch: ${error.message}`);
    }
  }

  setConfig(config) {
    this.config = config;
    if (config.on) {
      if (config.service) {
        this.refreshServices();
        this.service.value = config.service;
      }
      if (document.activeElement !== this.rate && config.rate) this.rate.value = config.rate;
    }
    this.renderSwitch();
  }

  renderSwitch() {
    const on = !!this.config.on;
    setAttr(this.toggle, "aria-pressed", String(on));
    setText(this.toggle, on ? "Stop traffic" : "Start traffic");
    this.el.classList.toggle("traffic-on", on);
  }

  send(on, control) {
    const body = on ? { service: this.service.value, rate: Number(this.rate.value), on: true } : { on: false };
    if (on && !body.service) {
      this.showError("Choose a Service first: create a Deployment and expose it (New deployment → Expose as a Service).");
      return undefined;
    }
    return this.ui.run(control, on ? "Starting…" : "Stopping…", async () => {
      const config = await this.api.request("POST", "/playground/traffic", body);
      this.showError("");
      this.setConfig(config);
      this.poll();
      return config;
    }, (config) => (config.on ? `Sending ${config.rate} requests a second to ${config.service}.` : "Traffic stopped."),
    (error) => {
      const causes = error.causes.map((c) => `${c.field}: ${c.message}`);
      this.showError(causes.length ? causes.join("; ") : error.message);
      return false;
    });
  }

  showError(text) {
    setText(this.error, text);
    this.error.hidden = !text;
  }

  // -- the stats
  poll() {
    this.cancelTimer();
    if (!this.visible) return;
    this.refresh().finally(() => {
      if (this.visible && !this.timer) this.timer = setTimeout(() => this.poll(), POLL_MS);
    });
  }

  async refresh() {
    try {
      const stats = await this.api.request("GET", `/playground/traffic/stats?seconds=${WINDOW}`);
      if (stats.on !== !!this.config.on || (stats.on && stats.service !== this.config.service)) {
        await this.loadConfig(); // switched elsewhere: another page, a script or a lesson
      }
      this.render(stats);
    } catch (error) {
      setText(this.status, `Cannot read the traffic: ${error.message}`);
    }
  }

  render(stats) {
    const series = stats.series || [];
    const ok = series.reduce((n, s) => n + s.ok, 0);
    const failed = series.reduce((n, s) => n + s.failed, 0);
    const last = series[series.length - 1];
    let text;
    if (!stats.service) text = "No traffic yet.";
    else {
      text = `${stats.on ? `Sending ${stats.rate} requests a second to` : "Stopped. Last sent to"} ${stats.service}. `;
      text += ok + failed ? `Last minute: ${ok} ok, ${failed} failed, ${percent(stats.successRate)} succeeded.` : "Nothing sent in the last minute.";
      if (last && stats.on) text += ` Last second: ${last.ok} ok, ${last.failed} failed${last.failed ? ` (${reasonsText(last.reasons)})` : ""}.`;
    }
    setText(this.status, text);
    this.el.dataset.successRate = stats.successRate == null ? "" : String(stats.successRate);
    this.drawChart(stats.now, series);
    this.drawPods(stats.pods || {});
  }

  buildChart() {
    const hatch = svg("pattern", { id: "traffic-hatch", patternUnits: "userSpaceOnUse", width: 4, height: 4, patternTransform: "rotate(45)" },
      svg("rect", { width: 4, height: 4, class: "hatch-bg" }),
      svg("line", { x1: 0, y1: 0, x2: 0, y2: 4, class: "hatch-line" }));
    this.bars = svg("g", { class: "bars" });
    this.yMax = svg("text", { x: PAD.left - 3, y: PAD.top + 4, "text-anchor": "end", class: "axis" });
    const base = H - PAD.bottom;
    return svg("svg", {
      id: "traffic-chart", class: "traffic-chart", viewBox: `0 0 ${W} ${H}`, role: "img", tabindex: 0,
      "aria-label": "Requests per second: no data yet",
    },
    svg("defs", {}, hatch),
    svg("line", { x1: PAD.left, y1: base, x2: W - PAD.right, y2: base, class: "axis-line" }),
    svg("line", { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: base, class: "axis-line" }),
    this.yMax,
    svg("text", { x: PAD.left - 3, y: base, "text-anchor": "end", class: "axis" }, "0"),
    svg("text", { x: PAD.left, y: H - 3, class: "axis" }, `-${WINDOW} s`),
    svg("text", { x: W - PAD.right, y: H - 3, "text-anchor": "end", class: "axis" }, "now"),
    this.bars);
  }

  drawChart(now, series) {
    const top = Math.max(1, ...series.map((s) => s.ok + s.failed));
    const plotW = W - PAD.left - PAD.right;
    const plotH = H - PAD.top - PAD.bottom;
    const slot = plotW / WINDOW;
    const base = H - PAD.bottom;
    const bars = [];
    for (const s of series) {
      const age = now - s.t; // 0 for the latest second
      if (age < 0 || age >= WINDOW) continue;
      const x = PAD.left + (WINDOW - 1 - age) * slot + 0.5;
      const okH = (s.ok / top) * plotH;
      const failH = (s.failed / top) * plotH;
      const title = `${s.ok} ok, ${s.failed} failed${s.failed ? ` (${reasonsText(s.reasons)})` : ""}, ${age} s ago`;
      bars.push(svg("g", { class: "second", "data-t": s.t },
        svg("title", {}, title),
        svg("rect", { class: "ok", x, y: base - okH, width: Math.max(slot - 1, 0.5), height: okH }),
        s.failed ? svg("rect", { class: "failed", x, y: base - okH - failH, width: Math.max(slot - 1, 0.5), height: failH }) : ""));
    }
    this.bars.replaceChildren(...bars);
    this.yMax.textContent = String(top);
    const last = series[series.length - 1];
    this.chart.dataset.lastT = last ? String(last.t) : "";
    this.chart.setAttribute("aria-label", last
      ? `Requests per second over the last ${WINDOW} seconds, up to ${top}. Latest second: ${last.ok} succeeded, ${last.failed} failed.`
      : "Requests per second: no data yet");
  }

  drawPods(pods) {
    const entries = Object.entries(pods).sort(([a], [b]) => a.localeCompare(b));
    const top = Math.max(1, ...entries.map(([, p]) => p.ok + p.failed));
    const items = entries.map(([key, p]) => {
      const detail = `${p.ok} ok · ${p.failed} failed${p.failed ? ` (${reasonsText(p.reasons)})` : ""}`;
      return h("li", { class: "traffic-pod", dataset: { pod: key } },
        h("div", { class: "pod-line" }, h("span", { class: "pod-name", text: key.split("/").pop() }),
          h("span", { class: "muted", text: p.node ? ` on ${p.node}` : "" })),
        h("div", { class: "pod-bar", "aria-hidden": "true" },
          h("span", { class: "ok", style: `width: ${(100 * p.ok) / top}%` }),
          h("span", { class: "failed", style: `width: ${(100 * p.failed) / top}%` })),
        h("div", { class: "pod-counts", text: detail }));
    });
    if (!items.length) items.push(h("li", { class: "muted", text: "No pod has been sent a request in the last minute." }));
    this.pods.replaceChildren(...items);
  }
}
