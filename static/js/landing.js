// Landing page: create one's own cluster through the control API and open it; remove one's own.
// Refusals are Kubernetes Status objects: a cause naming a field is shown next to that field,
// anything else beside the button. The learner cookie goes along with every request.

const form = document.getElementById("create-cluster");
const result = document.getElementById("cc-result");
const fieldErrors = { name: document.getElementById("cc-name-error"), profile: document.getElementById("cc-profile-error") };

/** The page's CSRF token: the server refuses changes a browser sends without it. */
function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

function statusMessage(data, response) {
  return (data && data.message) || `${response.status} ${response.statusText}`;
}

function showFieldError(field, message) {
  const input = form.elements[field];
  const slot = fieldErrors[field];
  slot.textContent = message || "";
  slot.hidden = !message;
  if (message) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

function clearErrors() {
  for (const field of Object.keys(fieldErrors)) showFieldError(field, "");
  result.textContent = "";
}

// Put each refusal where it belongs; return whether one was shown next to a field.
function showRefusal(data, response) {
  const causes = (data && data.details && data.details.causes) || [];
  let placed = false;
  for (const cause of causes) {
    if (cause.field in fieldErrors) {
      showFieldError(cause.field, cause.message);
      placed = true;
    }
  }
  if (!placed && response.status === 409) {
    showFieldError("name", `${statusMessage(data, response)}: choose another name`);
    placed = true;
  }
  return placed;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors();
  const button = form.querySelector("button[type=submit]");
  const name = form.elements.name.value.trim();
  if (!name) {
    showFieldError("name", "Required value: a cluster needs a name");
    form.elements.name.focus();
    return;
  }
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  result.textContent = `Creating ${name}…`;
  try {
    const response = await fetch(form.dataset.endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ name, profile: form.elements.profile.value }),
    });
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const placed = showRefusal(data, response);
      result.textContent = placed ? "✗ Not created" : `✗ ${statusMessage(data, response)}`;
      const invalid = form.querySelector("[aria-invalid=true]");
      if (invalid) invalid.focus();
      return;
    }
    result.textContent = `✓ Created ${name}: opening it…`;
    location.href = `/clusters/${encodeURIComponent(name)}/playground/`;
  } catch (error) {
    result.textContent = `✗ Cannot reach the server: ${error.message}`;
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
});

// -- removal, after a confirmation
const dialog = document.getElementById("remove-dialog");
const listStatus = document.getElementById("list-status");
let pending = null; // the Remove button whose cluster the dialog asks about

document.getElementById("clusters").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-remove]");
  if (!button) return;
  pending = button;
  dialog.querySelector("[data-name]").textContent = button.dataset.remove;
  dialog.returnValue = ""; // Escape keeps the last value: never let it mean "remove"
  dialog.showModal();
});

dialog.addEventListener("close", async () => {
  const button = pending;
  pending = null;
  if (!button) return;
  if (dialog.returnValue !== "remove") {
    button.focus();
    return;
  }
  const name = button.dataset.remove;
  const row = button.closest(".cluster-row");
  const error = row.querySelector(".row-error");
  error.hidden = true;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    const response = await fetch(`/clusters/${encodeURIComponent(name)}/`, { method: "DELETE", headers: { Accept: "application/json", "X-CSRFToken": csrfToken() } });
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      error.textContent = `Not removed: ${statusMessage(data, response)}`;
      error.hidden = false;
      button.disabled = false;
      button.focus();
      return;
    }
    row.remove();
    listStatus.textContent = `✓ Cluster ${name} removed`;
    form.elements.name.focus();
  } catch (err) {
    error.textContent = `Not removed: cannot reach the server: ${err.message}`;
    error.hidden = false;
    button.disabled = false;
  } finally {
    button.removeAttribute("aria-busy");
  }
});

// The kubectl lines: Copy puts a line on the clipboard (or selects it where the clipboard is refused).
for (const button of document.querySelectorAll("[data-copy]")) {
  button.addEventListener("click", async () => {
    const code = document.querySelector(button.dataset.copy);
    try {
      await navigator.clipboard.writeText(code.textContent);
      button.textContent = "Copied";
    } catch {
      const range = document.createRange();
      range.selectNodeContents(code);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      button.textContent = "Selected: Ctrl+C";
    }
    setTimeout(() => { button.textContent = "Copy"; }, 2000);
  });
}
