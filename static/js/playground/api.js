// HTTP calls to the playground control API and the cluster's Kubernetes API.
// Refusals come back as Kubernetes Status objects; ApiError carries their message and causes.

export class ApiError extends Error {
  constructor(code, reason, message, status) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.status = status || null;
  }

  get causes() {
    return (this.status && this.status.details && this.status.details.causes) || [];
  }
}

/** The page's CSRF token (its <meta name="csrf-token">): the server refuses changes a browser sends without it. */
export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

/** Send a request and return its JSON answer; a refusal throws ApiError with the Status's message. */
export async function fetchJson(method, url, body, contentType = "application/json") {
  const init = { method, headers: { Accept: "application/json" } };
  if (method !== "GET" && method !== "HEAD") init.headers["X-CSRFToken"] = csrfToken();
  if (body !== undefined) {
    init.headers["Content-Type"] = contentType;
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new ApiError(0, "NetworkError", `Cannot reach the playground server (${error.message}).`);
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const isStatus = data && data.kind === "Status";
    const message = (isStatus && data.message) || `${response.status} ${response.statusText || "error"}`.trim();
    throw new ApiError(response.status, isStatus ? data.reason : "", message, isStatus ? data : null);
  }
  return data;
}

export class Api {
  constructor(cluster) {
    this.cluster = cluster;
    this.base = `/clusters/${encodeURIComponent(cluster)}`;
  }

  request(method, path, body, contentType = "application/json") {
    return fetchJson(method, this.base + path, body, contentType);
  }

  // --- playground control API
  addNode(spec) { return this.request("POST", "/playground/nodes", spec); }
  powerNode(node, on) { return this.request("POST", `/playground/nodes/${enc(node)}/power`, { on }); }
  drainNode(node) { return this.request("POST", `/playground/nodes/${enc(node)}/drain`, {}); }
  powerComponent(name, on) { return this.request("POST", `/playground/components/${enc(name)}/power`, { on }); }
  setClock(fields) { return this.request("POST", "/playground/clock", fields); }
  getClock() { return this.request("GET", "/playground/clock"); }
  apply(yaml) { return this.request("POST", "/playground/apply", { yaml }); }
  reset() { return this.request("POST", "/playground/reset", {}); }
  details(kind, namespace, name) {
    return this.request("GET", `/playground/objects/${enc(kind)}/${namespace ? enc(namespace) : "-"}/${enc(name)}`);
  }

  // --- Kubernetes API
  cordon(node, unschedulable) {
    return this.request("PATCH", `/api/v1/nodes/${enc(node)}`, { spec: { unschedulable } }, "application/merge-patch+json");
  }
  deletePod(namespace, name) {
    return this.request("DELETE", `/api/v1/namespaces/${enc(namespace)}/pods/${enc(name)}`);
  }
  createDeployment(namespace, body) {
    return this.request("POST", `/apis/apps/v1/namespaces/${enc(namespace)}/deployments`, body);
  }
  createService(namespace, body) {
    return this.request("POST", `/api/v1/namespaces/${enc(namespace)}/services`, body);
  }
  scale(namespace, name, replicas) {
    return this.request("PATCH", `/apis/apps/v1/namespaces/${enc(namespace)}/deployments/${enc(name)}/scale`,
      { spec: { replicas } }, "application/merge-patch+json");
  }
  setImage(namespace, name, container, image) {
    return this.request("PATCH", `/apis/apps/v1/namespaces/${enc(namespace)}/deployments/${enc(name)}`,
      { spec: { template: { spec: { containers: [{ name: container, image }] } } } },
      "application/strategic-merge-patch+json");
  }
}

function enc(s) {
  return encodeURIComponent(s);
}
