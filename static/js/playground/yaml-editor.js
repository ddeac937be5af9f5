// Apply YAML: a plain textarea over a mirror that marks the lines the server refused.
// POST /clusters/<c>/playground/apply answers 422 with details.causes [{field, message,
// reason, line}]; each cause shows in the gutter, at the end of its line and in the list
// below (a click there puts the cursor on the line). Nothing is applied when any object fails.

import { h } from "./dom.js";

export const EXAMPLE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello
  namespace: default
spec:
  replicas: 3
  selector:
    matchLabels:
      app: hello
  template:
    metadata:
      labels:
        app: hello
    spec:
      containers:
      - name: web
        image: nginx:1.25
        resources:
          requests:
            cpu: 100m
            memory: 64Mi
---
apiVersion: v1
kind: Service
metadata:
  name: hello
  namespace: default
spec:
  selector:
    app: hello
  ports:
  - port: 80
`;

export class YamlEditor {
  constructor({ dialog, api, ui }) {
    this.dialog = dialog;
    this.api = api;
    this.ui = ui;
    this.form = dialog.querySelector("form");
    this.text = dialog.querySelector("#yaml-text");
    this.gutter = dialog.querySelector("#yaml-gutter");
    this.mirror = dialog.querySelector("#yaml-mirror");
    this.errors = dialog.querySelector("#yaml-errors");
    this.applyButton = dialog.querySelector("#yaml-apply");
    this.causes = [];
    this.text.addEventListener("input", () => this.renderMirror());
    this.text.addEventListener("scroll", () => this.syncScroll());
    this.text.addEventListener("keydown", (event) => {
      // Tab keeps moving focus (the editor must not trap keyboard users); Ctrl+Enter applies.
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        event.preventDefault();
        this.form.requestSubmit();
      }
    });
    dialog.querySelector("#yaml-example").addEventListener("click", () => {
      this.text.value = EXAMPLE;
      this.setCauses([], "");
      this.text.focus();
    });
    dialog.querySelector("#yaml-cancel").addEventListener("click", () => dialog.close());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.errors.addEventListener("click", (event) => {
      const b = event.target.closest("[data-line]");
      if (b) this.goToLine(Number(b.dataset.line));
    });
  }

  open(text) {
    if (text != null) {
      this.text.value = text;
      this.setCauses([], "");
    } else if (!this.text.value) {
      this.text.value = EXAMPLE;
    }
    this.renderMirror();
    if (!this.dialog.open) this.dialog.showModal();
    this.text.focus();
  }

  async submit() {
    const yaml = this.text.value;
    if (!yaml.trim()) {
      this.setCauses([], "Nothing to apply: the editor is empty.");
      return;
    }
    await this.ui.run(this.applyButton, "Applying…", () => this.api.apply(yaml), (result) => {
      const applied = (result && result.applied) || [];
      this.setCauses([], "");
      this.dialog.close();
      return applied.length
        ? `Applied: ${applied.map((a) => `${a.kind.toLowerCase()}/${a.name} ${a.action}`).join(", ")}`
        : "Applied (no changes).";
    }, (error) => {
      this.setCauses(error.causes, error.message);
      return false; // shown in the dialog, not as a toast
    });
  }

  setCauses(causes, message) {
    this.causes = causes || [];
    this.renderMirror();
    const items = [];
    if (message && !restates(message, this.causes)) items.push(h("p", { class: "error-message", text: message }));
    if (this.causes.length) {
      items.push(h("ul", { class: "causes" }, ...this.causes.map((c) => h("li", { class: "cause" },
        c.line ? h("button", { type: "button", class: "link", "data-line": String(c.line), text: `line ${c.line}` }) : h("span", { class: "no-line", text: "(no line)" }),
        h("span", { class: "cause-sep", "aria-hidden": "true", text: " · " }),
        c.field ? h("code", { class: "field", text: c.field }) : null,
        h("span", { class: "cause-text", text: c.message || c.reason || "" })))));
    }
    this.errors.replaceChildren(...items);
    this.errors.hidden = items.length === 0;
    if (this.causes.length) {
      const first = this.causes.find((c) => c.line);
      if (first) this.scrollToLine(first.line);
    }
  }

  renderMirror() {
    const lines = this.text.value.split("\n");
    const byLine = new Map();
    for (const c of this.causes) {
      if (!c.line) continue;
      if (!byLine.has(c.line)) byLine.set(c.line, []);
      byLine.get(c.line).push(c);
    }
    const gutter = [];
    const mirror = [];
    lines.forEach((line, i) => {
      const n = i + 1;
      const causes = byLine.get(n);
      gutter.push(h("div", { class: causes ? "gl err" : "gl", "data-line": String(n), text: causes ? `✗ ${n}` : String(n) }));
      mirror.push(h("div", { class: causes ? "ml err" : "ml", "data-line": String(n) },
        h("span", { class: "mt", text: line || " " }),
        causes ? h("span", { class: "inline-err", text: `  ← ${causes.map((c) => (c.field ? c.field + ": " : "") + (c.message || c.reason)).join("; ")}` }) : null));
    });
    // Causes past the end of the text (the text was edited since) still show in the list.
    this.gutter.replaceChildren(...gutter);
    this.mirror.replaceChildren(...mirror);
    this.syncScroll();
  }

  syncScroll() {
    const x = this.text.scrollLeft;
    const y = this.text.scrollTop;
    this.mirror.style.transform = `translate(${-x}px, ${-y}px)`;
    this.gutter.style.transform = `translateY(${-y}px)`;
  }

  lineHeight() {
    return parseFloat(getComputedStyle(this.text).lineHeight) || 18;
  }

  scrollToLine(line) {
    const top = (line - 1) * this.lineHeight();
    const view = this.text.clientHeight;
    if (top < this.text.scrollTop || top > this.text.scrollTop + view - 2 * this.lineHeight()) {
      this.text.scrollTop = Math.max(0, top - view / 3);
    }
    this.syncScroll();
  }

  goToLine(line) {
    const lines = this.text.value.split("\n");
    let offset = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
    this.text.focus();
    this.text.setSelectionRange(offset, offset + (lines[line - 1] || "").length);
    this.scrollToLine(line);
  }
}

/** Whether `message` only repeats its causes ("YAML error on line 18: X" beside the cause "YAML error: X"). */
export function restates(message, causes) {
  return causes.some((c) => {
    const text = (c.message || "").replace(/^YAML error:\s*/, "");
    return text && message.includes(text);
  });
}
