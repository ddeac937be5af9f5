// Landing page: create a cluster through the control API, then open its live picture.

const form = document.getElementById("create-cluster");
if (form) {
  const result = document.getElementById("cc-result");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    const name = form.elements.name.value.trim();
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    result.textContent = "Creating…";
    try {
      const response = await fetch(form.dataset.endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ name, profile: form.elements.profile.value }),
      });
      const data = await response.json().catch(() => null);
      if (!response.ok) {
        result.textContent = `✗ ${(data && data.message) || response.statusText}`;
        return;
      }
      location.href = `/clusters/${encodeURIComponent(name)}/playground/`;
    } catch (error) {
      result.textContent = `✗ Cannot reach the server: ${error.message}`;
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  });
}
