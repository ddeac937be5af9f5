// What a pod chip shows: one state out of the kubectl STATUS column, the phase and readiness.
// Each state has its own colour AND its own shape (see the legend), so it reads in black and white.

export const STATES = {
  ready: { label: "Running, ready", help: "filled circle" },
  running: { label: "Running, not ready", help: "half-filled circle" },
  pending: { label: "Pending", help: "dashed empty circle" },
  creating: { label: "ContainerCreating", help: "ring with a dot" },
  terminating: { label: "Terminating", help: "struck-through circle" },
  crash: { label: "CrashLoopBackOff", help: "triangle" },
  imgerr: { label: "Image pull error", help: "diamond" },
  failed: { label: "Failed", help: "filled square" },
  evicted: { label: "Evicted", help: "crossed-out square" },
  succeeded: { label: "Succeeded", help: "empty square" },
  unknown: { label: "Unknown", help: "question mark" },
};

export function podState(pod) {
  const status = pod.status || "";
  if (pod.deleting || status === "Terminating") return "terminating";
  if (status === "CrashLoopBackOff") return "crash";
  if (status === "ErrImagePull" || status === "ImagePullBackOff" || status === "InvalidImageName") return "imgerr";
  if (pod.phase === "Succeeded" || status === "Completed") return "succeeded";
  if (status === "Evicted") return "evicted";
  if (pod.phase === "Failed" || status === "Error" || status.startsWith("Init:Error") || status === "Evicted") return "failed";
  if (pod.phase === "Running") return pod.ready ? "ready" : "running";
  if (status === "ContainerCreating" || status === "PodInitializing" || status.startsWith("Init:")) return "creating";
  if (pod.phase === "Pending") return pod.node ? "creating" : "pending";
  return "unknown";
}

export function podStatusText(pod) {
  const state = podState(pod);
  if (state === "ready" || state === "running") return `${pod.status || "Running"}, ${pod.ready ? "ready" : "not ready"}`;
  return pod.status || STATES[state].label;
}

// "web-7d9f8c6b5-x7k2p" owned by ReplicaSet "web-7d9f8c6b5" shows as "web·x7k2p".
export function shortPodName(pod) {
  const name = pod.name;
  const owner = pod.owner;
  if (owner && owner.kind === "ReplicaSet" && name.startsWith(owner.name + "-")) {
    const suffix = name.slice(owner.name.length + 1);
    const cut = owner.name.lastIndexOf("-");
    const base = cut > 0 ? owner.name.slice(0, cut) : owner.name;
    return `${base}·${suffix}`;
  }
  return name;
}

export function podDescription(pod) {
  const parts = [`Pod ${pod.namespace}/${pod.name}`, podStatusText(pod)];
  if (pod.readyText) parts.push(`${pod.readyText} containers ready`);
  if (pod.restarts) parts.push(`${pod.restarts} restarts`);
  parts.push(pod.node ? `on ${pod.node}` : "not scheduled");
  return parts.join(", ");
}
