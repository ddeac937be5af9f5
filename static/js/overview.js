// Teacher overview: every cluster as a thumbnail (nodes, pods as dots, component switches,
// counts, health verdict), kept current by polling /teacher/overview.json once a second.
// A card is rebuilt only when its cluster's summary changed; its link stays, so focus stays.

import { h, setAttr, setText, toggleClass } from "./playground/dom.js";
import { Fit } from "./playground/fit.js";
import { plural } from "./playground/format.js";
import { STATES } from "./playground/podstate.js";

const POLL_MS = 1000;
const SIZED_ABOVE = 8; // more clusters than this: columns sized to the count, compact cards
const CARD_ASPECT = 1.25; // a compact card's width over its height, for choosing the columns
const LEVEL_ORDER = { down: 0, degraded: 1, starting: 2, healthy: 3 };
const SHORT = { etcd: "etcd", "kube-apiserver": "apiserver", "kube-scheduler": "scheduler", "kube-controller-manager": "controller-manager" };

const grid = document.getElementById("thumbs");
const totals = document.getElementById("totals");
const freshness = document.getElementById("freshness");
const empty = document.getElementById("no-clusters");
const problemsFirst = document.getElementById("problems-first");
const cards = new Map(); // cluster name -> { li, body, json }
let clusters = JSON.parse(document.getElementById("overview-data").textContent);

function dot(pod) {
  return h("span", { class: `pod st-${pod.state}`, title: `${pod.name}: ${pod.status}` }, h("span", { class: "pi" }));
}

function nodeRow(node) {
  const state = !node.powered ? "off" : node.status === "Ready" ? "ready" : node.status ? "notready" : "registering";
  const label = { off: "powered off", ready: "Ready", notready: node.status, registering: "registering" }[state];
  return h("li", {
    class: `mini-node ${state}${node.cordoned ? " cordoned" : ""}`,
    dataset: { node: node.name, status: node.status || "None", powered: String(node.powered), pods: String(node.pods.length) },
  },
  h("span", { class: "mini-name", text: node.name }),
  h("span", { class: "mini-status", text: node.cordoned ? `${label}, cordoned` : label }),
  h("span", { class: "mini-pods" }, node.pods.map(dot)));
}

function body(c) {
  const pods = c.counts.pods;
  const id = `t-${c.name}`;
  return h("div", { class: "thumb-body" },
    h("p", { class: `verdict level-${c.health.level}`, id: `${id}-verdict`, text: c.health.text, title: c.health.problems.join("\n") || "healthy" }),
    h("ul", { class: "mini-topology", "aria-hidden": "true" }, c.nodes.map(nodeRow)),
    c.pending.length ? h("p", { class: "mini-pending", "aria-hidden": "true" }, h("span", { class: "mini-name", text: "not scheduled" }), c.pending.map(dot)) : null,
    h("ul", { class: "mini-components", "aria-label": "control-plane components" },
      Object.entries(c.components).map(([name, on]) => h("li", {
        class: on ? "on" : "off", dataset: { component: name }, title: `${name} ${on ? "running" : "stopped"}`,
        text: on ? SHORT[name] || name : `${SHORT[name] || name} stopped`,
      }))),
    h("p", { class: "counts", id: `${id}-counts`,
      text: `nodes ${c.counts.nodes.ready}/${c.counts.nodes.total} ready · pods ${pods.running} running, ${pods.pending} pending, ${pods.failing} failing` +
        (pods.terminating ? `, ${pods.terminating} terminating` : "") + (c.clock.paused ? " · clock paused" : "") }));
}

function card(c) {
  const id = `t-${c.name}`;
  const link = h("a", { class: "thumb-link", href: c.links.page, "aria-describedby": `${id}-verdict ${id}-counts` }, h("code", { text: c.name }));
  const li = h("li", { class: "thumb", dataset: { cluster: c.name } }, h("h2", null, link));
  return { li, body: null, json: "" };
}

function update(c) {
  let entry = cards.get(c.name);
  if (!entry) {
    entry = card(c);
    cards.set(c.name, entry);
  }
  const json = JSON.stringify(c);
  if (json === entry.json) return;
  entry.json = json;
  const next = body(c);
  if (entry.body) entry.body.replaceWith(next);
  else entry.li.append(next);
  entry.body = next;
  setAttr(entry.li, "data-level", c.health.level);
  for (const level of Object.keys(LEVEL_ORDER)) toggleClass(entry.li, `level-${level}`, c.health.level === level);
}

function ordered() {
  const list = [...clusters];
  if (problemsFirst.checked) list.sort((a, b) => LEVEL_ORDER[a.health.level] - LEVEL_ORDER[b.health.level] || a.name.localeCompare(b.name));
  return list;
}

function render() {
  const names = new Set(clusters.map((c) => c.name));
  for (const [name, entry] of cards) {
    if (!names.has(name)) {
      entry.li.remove();
      cards.delete(name);
    }
  }
  clusters.forEach(update);
  const wanted = ordered().map((c) => cards.get(c.name).li);
  if (wanted.some((li, i) => grid.children[i] !== li)) {
    const focused = document.activeElement;
    grid.replaceChildren(...wanted);
    if (focused && grid.contains(focused)) focused.focus();
  }
  sizeCards();
  empty.hidden = clusters.length > 0;
  const count = (level) => clusters.filter((c) => c.health.level === level).length;
  const starting = count("starting") ? ` · ${count("starting")} starting` : "";
  setText(totals, `${plural(clusters.length, "cluster")} · ${count("healthy")} healthy · ${count("degraded")} degraded · ${count("down")} down${starting}`);
}

// Many clusters: as many columns as make the cards' shape fill the screen, then the zoom that fits.
const main = document.getElementById("overview-main");
const fitter = new Fit(main, grid, { max: () => 1, enabled: () => clusters.length > SIZED_ABOVE });
let sizedFor = "";

function sizeCards() {
  const n = clusters.length;
  const sized = n > SIZED_ABOVE;
  const width = main.clientWidth;
  const height = Math.max(1, main.clientHeight - grid.offsetTop + main.offsetTop);
  const cols = sized ? Math.max(1, Math.min(n, Math.ceil(Math.sqrt((n * width) / (height * CARD_ASPECT))))) : 0;
  toggleClass(grid, "sized", sized);
  toggleClass(grid, "compact", sized);
  if (sized) grid.style.setProperty("--cols", String(cols));
  else grid.style.removeProperty("--cols");
  const key = `${n}|${cols}|${width}x${height}`;
  if (key !== sizedFor) {
    sizedFor = key;
    fitter.request();
  } else if (sized) {
    fitter.request(); // the cards' content may have grown (a pod more): fit again
  }
}
window.addEventListener("resize", () => render());

function setFreshness(state, text) {
  if (freshness.dataset.state !== state) {
    freshness.dataset.state = state;
    setText(freshness, text);
  }
  freshness.title = `last update ${new Date().toLocaleTimeString()}`;
}

async function poll() {
  if (document.hidden) return;
  try {
    const response = await fetch(document.body.dataset.endpoint, { headers: { Accept: "application/json" }, cache: "no-store" });
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
    clusters = (await response.json()).clusters;
    render();
    setFreshness("live", "live");
  } catch (error) {
    setFreshness("stale", `cannot reach the server (${error.message}); retrying every second`);
  }
}

async function loop() {
  const started = performance.now();
  await poll();
  setTimeout(loop, Math.max(0, POLL_MS - (performance.now() - started)));
}

// Arrow keys move between thumbnails as they sit in the grid; Home/End to the first/last.
grid.addEventListener("keydown", (event) => {
  const links = [...grid.querySelectorAll(".thumb-link")];
  const at = links.indexOf(document.activeElement);
  if (at < 0) return;
  const top = links[0].getBoundingClientRect().top;
  const columns = Math.max(1, links.filter((a) => a.getBoundingClientRect().top === top).length);
  const moves = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -columns, ArrowDown: columns, Home: -at, End: links.length - 1 - at };
  if (!(event.key in moves)) return;
  const target = links[Math.min(links.length - 1, Math.max(0, at + moves[event.key]))];
  event.preventDefault();
  target.focus();
});

problemsFirst.addEventListener("change", render);
document.addEventListener("visibilitychange", () => { if (!document.hidden) poll(); });

document.getElementById("legend-states").append(...Object.entries(STATES).map(([state, info]) =>
  h("li", null, h("span", { class: `pod st-${state}` }, h("span", { class: "pi" })), ` ${info.label}`)));

render();
setTimeout(loop, POLL_MS);
