// The page's copy of the cluster: what the last snapshot said, plus every delta since.
// Keeps small indexes the views need and records what changed until the next frame takes it.

const EMPTY = new Map();

export function ref(kind, key) {
  return `${kind}|${key}`;
}

export class ClusterStore {
  constructor() {
    this.revision = null;
    this.cluster = null;
    this.machines = new Map(); // name -> machine, in the server's order
    this.kinds = new Map(); // kind -> Map(key -> view)
    this.byUid = new Map(); // uid -> {kind, key}
    this.podsByNode = new Map(); // node name ("" for unscheduled) -> Set(pod key)
    this.children = new Map(); // owner uid -> Set(ref)
    this.servicesByPod = new Map(); // pod key -> Set(service key)
    this.snapshots = 0;
    this.listeners = new Set();
    this.resetPending();
  }

  resetPending() {
    this.pending = { objects: new Map(), cluster: false, machines: false, snapshot: false };
  }

  onChange(listener) {
    this.listeners.add(listener);
  }

  get(kind, key) {
    const map = this.kinds.get(kind);
    return map ? map.get(key) : undefined;
  }

  all(kind) {
    return this.kinds.get(kind) || EMPTY;
  }

  byUidView(uid) {
    const r = uid && this.byUid.get(uid);
    return r ? this.get(r.kind, r.key) : undefined;
  }

  childrenOf(uid, kind) {
    const out = [];
    const set = this.children.get(uid);
    if (!set) return out;
    for (const r of set) {
      const bar = r.indexOf("|");
      if (kind && r.slice(0, bar) !== kind) continue;
      const view = this.get(r.slice(0, bar), r.slice(bar + 1));
      if (view) out.push(view);
    }
    return out;
  }

  namespaces() {
    const names = new Set(this.all("Namespace").keys());
    for (const kind of ["Pod", "Deployment", "Service"]) for (const v of this.all(kind).values()) names.add(v.namespace);
    names.delete("");
    names.delete(undefined);
    return [...names].sort();
  }

  /** Replace everything with a snapshot; objects that are no longer there are removed. */
  loadSnapshot(msg) {
    const seen = new Set();
    for (const view of msg.objects || []) {
      this.upsert(view);
      seen.add(ref(view.kind, view.key));
    }
    for (const [kind, map] of this.kinds) {
      for (const key of [...map.keys()]) if (!seen.has(ref(kind, key))) this.remove(kind, key);
    }
    this.setCluster(msg.cluster);
    this.setMachines(msg.machines);
    this.revision = msg.revision;
    this.snapshots += 1;
    this.pending.snapshot = true;
    this.notify();
  }

  applyDelta(msg) {
    for (const change of msg.changes || []) {
      if (change.op === "upsert" && change.object) this.upsert(change.object);
      else if (change.op === "delete") this.remove(change.kind, change.key);
    }
    if (msg.cluster) this.setCluster(msg.cluster);
    if (msg.machines) this.setMachines(msg.machines);
    this.revision = msg.to;
    this.notify();
  }

  setCluster(cluster) {
    if (!cluster) return;
    this.cluster = cluster;
    this.pending.cluster = true;
  }

  setMachines(machines) {
    if (!machines) return;
    this.machines = new Map(machines.map((m) => [m.name, m]));
    this.pending.machines = true;
  }

  upsert(view) {
    if (view.kind === "Endpoints") {
      this.put(view);
      const svc = this.get("Service", view.key);
      if (svc) this.put({ ...svc, endpoints: view.endpoints || [] });
      return;
    }
    if (view.kind === "Service" && !view.endpoints) {
      // The ready endpoints may come as their own Endpoints view (same key).
      const ep = this.get("Endpoints", view.key);
      view = { ...view, endpoints: ep ? ep.endpoints || [] : [] };
    }
    this.put(view);
  }

  put(view) {
    let map = this.kinds.get(view.kind);
    if (!map) this.kinds.set(view.kind, (map = new Map()));
    const old = map.get(view.key);
    map.set(view.key, view);
    this.index(old, view);
    this.record(view.kind, view.key, old, view);
  }

  remove(kind, key) {
    const map = this.kinds.get(kind);
    const old = map && map.get(key);
    if (!old) return;
    map.delete(key);
    this.index(old, null);
    this.record(kind, key, old, null);
    if (kind === "Endpoints") {
      const svc = this.get("Service", key);
      if (svc) this.put({ ...svc, endpoints: [] });
    }
  }

  /** CPU and memory requested on a node by its pods that still hold resources, as the scheduler counts them. */
  requestedOn(nodeName) {
    let cpu = 0;
    let memory = 0;
    let pods = 0;
    let known = false;
    for (const key of this.podsByNode.get(nodeName) || []) {
      const pod = this.get("Pod", key);
      if (!pod || pod.phase === "Succeeded" || pod.phase === "Failed") continue;
      pods += 1;
      if (pod.requests) {
        known = true;
        cpu += pod.requests.cpu_m || 0;
        memory += pod.requests.memory || 0;
      }
    }
    return known || pods === 0 ? { cpu_m: cpu, memory, pods } : null;
  }

  record(kind, key, old, view) {
    const r = ref(kind, key);
    const existing = this.pending.objects.get(r);
    if (existing) existing.view = view;
    else this.pending.objects.set(r, { kind, key, old: old || null, view });
  }

  index(old, view) {
    const v = view || old;
    const r = ref(v.kind, v.key);
    if (old && old.uid && (!view || view.uid !== old.uid)) this.byUid.delete(old.uid);
    if (view && view.uid) this.byUid.set(view.uid, { kind: view.kind, key: view.key });

    const oldOwner = old && old.owner && old.owner.uid;
    const newOwner = view && view.owner && view.owner.uid;
    if (oldOwner !== newOwner) {
      if (oldOwner) removeFrom(this.children, oldOwner, r);
      if (newOwner) addTo(this.children, newOwner, r);
    }
    if (v.kind === "Pod") {
      const oldNode = old ? old.node || "" : null;
      const newNode = view ? view.node || "" : null;
      if (oldNode !== newNode) {
        if (oldNode !== null) removeFrom(this.podsByNode, oldNode, v.key);
        if (newNode !== null) addTo(this.podsByNode, newNode, v.key);
      }
    } else if (v.kind === "Service") {
      for (const p of (old && old.endpoints) || []) removeFrom(this.servicesByPod, p, v.key);
      for (const p of (view && view.endpoints) || []) addTo(this.servicesByPod, p, v.key);
    }
  }

  /** Hand over what changed since the last call (one frame's worth). */
  takeChanges() {
    const batch = this.pending;
    this.resetPending();
    return batch;
  }

  hasPending() {
    const p = this.pending;
    return p.objects.size > 0 || p.cluster || p.machines || p.snapshot;
  }

  notify() {
    for (const listener of this.listeners) listener(this);
  }
}

function addTo(index, key, value) {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom(index, key, value) {
  const set = index.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
}
