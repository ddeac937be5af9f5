// The story on the picture: while an incident runs (a machine switched off, a component stopped,
// a rolling update), its countdowns (node monitor grace period, the pods' toleration) run on the
// node card itself; when it ends, a banner over the picture says what came back and how long it
// took ("worker-2 lost · 6/6 replicas back in 11.6 s"), with the configured delays beside it.
//
// It reads the failure timeline the Timeline tab reads (GET /playground/incidents, served from the
// revision log by orchestrator/history/timeline.py): the list when a frame brings a power switch,
// a component or a Deployment change, then the incident's detail while it runs.

import { h, setText } from "./dom.js";

const LIST_MS = 800; // at most this often, the list of incidents after a relevant frame
const FOLLOW_MS = 500; // while an incident runs, its detail this often
const TICK_MS = 200; // the countdown on the card moves this often

export class Story {
  /** banner: the element over the picture; simNow(): the page's simulated clock in ms. */
  constructor({ banner, store, api, topology, simNow }) {
    this.banner = banner;
    this.store = store;
    this.api = api;
    this.topology = topology;
    this.simNow = simNow;
    this.following = null; // start revision of the running incident
    this.incident = null; // its last detail
    this.seen = new Set(); // incidents whose end was already told (or that ended before the page opened)
    this.listTimer = null;
    this.followTimer = null;
    this.ticker = null;
    this.reading = false;
    this.text = h("span", { class: "story-text" });
    this.delays = h("span", { class: "story-delays" });
    const close = h("button", { type: "button", class: "story-close", "aria-label": "Dismiss", text: "×" });
    close.addEventListener("click", () => this.hideBanner());
    banner.replaceChildren(h("span", { class: "story-mark", "aria-hidden": "true", text: "★" }), this.text, this.delays, close);
    this.readList(true);
  }

  /** The render loop's frame: look at the incidents when something that starts or ends one moved. */
  apply(batch) {
    let relevant = batch.snapshot || batch.machines || batch.cluster;
    if (!relevant) {
      for (const change of batch.objects.values()) {
        if (change.kind === "Node" || change.kind === "Deployment") relevant = true;
      }
    }
    // The incident can end (its ReplicaSets whole again) a frame before the Deployments' status says
    // so on this page: a shown banner's count follows the page's store.
    if (relevant && this.told && !this.banner.hidden) setText(this.text, bannerText(this.told, this.store));
    if (relevant && !this.following) this.scheduleList();
  }

  scheduleList() {
    if (this.listTimer) return;
    this.listTimer = setTimeout(() => {
      this.listTimer = null;
      this.readList(false);
    }, LIST_MS);
  }

  async readList(first) {
    if (this.reading) return;
    this.reading = true;
    try {
      const { incidents } = await this.api.request("GET", "/playground/incidents?limit=5");
      const latest = incidents[0];
      if (!latest) return;
      if (first) {
        // What ended before the page opened is history (the Timeline tab has it), not news.
        for (const i of incidents.slice(1)) this.seen.add(i.start_revision);
      }
      if (this.seen.has(latest.start_revision) || this.following === latest.start_revision) return;
      await this.follow(latest.start_revision, first);
    } catch {
      /* the banner is a bonus: a failed read waits for the next frame */
    } finally {
      this.reading = false;
    }
  }

  async follow(start, first = false) {
    clearTimeout(this.followTimer);
    this.followTimer = null;
    let incident;
    try {
      incident = await this.api.request("GET", `/playground/incidents/${start}`);
    } catch {
      this.following = null;
      return;
    }
    if (incident.done) {
      this.following = null;
      this.showCountdown(null);
      if (first) this.seen.add(start);
      else this.tell(incident);
      return;
    }
    if (this.following !== start) this.hideBanner();
    this.following = start;
    this.incident = incident;
    this.showCountdown(incident);
    if (!this.ticker) this.ticker = setInterval(() => this.showCountdown(this.incident), TICK_MS);
    this.followTimer = setTimeout(() => this.follow(start), document.visibilityState === "visible" ? FOLLOW_MS : FOLLOW_MS * 4);
  }

  // ------------------------------------------------------------ the countdown on the node card
  showCountdown(incident) {
    const node = incident && incident.subject && incident.subject.kind === "Node" ? incident.subject.name : null;
    if (this.countdownNode && this.countdownNode !== node) this.topology.setNodeNote(this.countdownNode, null);
    this.countdownNode = node;
    if (!incident || !node) {
      clearInterval(this.ticker);
      this.ticker = null;
      return;
    }
    const now = this.simNow() / 1000;
    const running = (incident.countdowns || []).find((c) => !c.done && now < c.ends_sim + 0.05);
    if (running) {
      const total = running.ends_sim - running.starts_sim;
      const left = Math.max(0, running.ends_sim - now);
      this.topology.setNodeNote(node, { text: countdownText(running, left), detail: delayText(running), fraction: total > 0 ? 1 - left / total : 1 });
    } else if ((incident.countdowns || []).length) {
      this.topology.setNodeNote(node, { text: "pods evicted: replacements on the way", detail: "", fraction: 1 });
    } else {
      this.topology.setNodeNote(node, { text: "waiting for the node lifecycle controller", detail: "", fraction: 0 });
    }
  }

  // ------------------------------------------------------------ the banner
  tell(incident) {
    this.seen.add(incident.start_revision);
    const outcome = incident.outcome;
    if (!outcome) return;
    this.told = incident;
    setText(this.text, bannerText(incident, this.store));
    const delays = (incident.countdowns || []).map(delayText).filter(Boolean);
    setText(this.delays, [delays.length ? `configured: ${delays.join(" + ")}` : "", `${outcome.wall_seconds.toFixed(1)} s on the wall clock`].filter(Boolean).join(" · "));
    this.banner.dataset.incident = String(incident.start_revision);
    this.banner.dataset.type = incident.type;
    this.banner.hidden = false;
  }

  hideBanner() {
    this.banner.hidden = true;
  }
}

/** "worker-2 lost · 6/6 replicas back in 11.6 s"; other incidents: their title and outcome. */
export function bannerText(incident, store) {
  const outcome = incident.outcome;
  if (incident.type === "node-lost" && incident.subject) {
    const seconds = outcome.sim_seconds.toFixed(1);
    const counts = replicaCounts(incident, store);
    return counts ? `${incident.subject.name} lost · ${counts.ready}/${counts.replicas} replicas back in ${seconds} s`
      : `${incident.subject.name} lost · ${outcome.label}`;
  }
  if (incident.type === "component-stopped" && incident.subject) return `${incident.subject.name} is back · ${outcome.label}`;
  return `${incident.title} · ${outcome.label}`;
}

/** Ready and desired replicas of the Deployments whose pods the incident replaced. */
function replicaCounts(incident, store) {
  const deployments = new Set();
  for (const step of incident.steps || []) {
    if (step.type !== "created" || !step.ref || step.ref.kind !== "Pod") continue;
    const pod = store.get("Pod", `${step.ref.namespace}/${step.ref.name}`);
    const rs = pod && pod.owner && pod.owner.kind === "ReplicaSet" ? store.get("ReplicaSet", `${pod.namespace}/${pod.owner.name}`) : null;
    if (rs && rs.owner && rs.owner.kind === "Deployment") deployments.add(`${rs.namespace}/${rs.owner.name}`);
  }
  if (!deployments.size) return null;
  let ready = 0;
  let replicas = 0;
  for (const key of deployments) {
    const d = store.get("Deployment", key);
    if (!d) continue;
    ready += d.ready || 0;
    replicas += d.replicas || 0;
  }
  return replicas ? { ready, replicas } : null;
}

function countdownText(countdown, left) {
  const secs = `${left.toFixed(1)} s`;
  if (/grace period/i.test(countdown.label)) return `NotReady in ${secs}`;
  if (/^toleration/i.test(countdown.label)) {
    const pods = countdown.label.match(/then (\d+ pods?) evicted/);
    return `${pods ? pods[1] : "pods"} evicted in ${secs}`;
  }
  return `${countdown.label.split(":")[0]}: ${secs}`;
}

/** "grace period 6 s", "toleration 5 s": the configured delay a countdown runs. */
export function delayText(countdown) {
  const seconds = Math.round((countdown.ends_sim - countdown.starts_sim) * 10) / 10;
  if (/grace period/i.test(countdown.label)) return `grace period ${seconds} s`;
  if (/^toleration/i.test(countdown.label)) return `toleration ${seconds} s`;
  return `${countdown.label.split(":")[0]} ${seconds} s`;
}
