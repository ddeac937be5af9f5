// Formatting of quantities and times the way kubectl prints them.

export function cpu(millis) {
  if (millis == null || Number.isNaN(millis)) return "?";
  if (millis % 1000 === 0) return String(millis / 1000);
  if (millis >= 1000) return (millis / 1000).toFixed(millis % 100 === 0 ? 1 : 2);
  return `${millis}m`;
}

const UNITS = [["Ti", 1024 ** 4], ["Gi", 1024 ** 3], ["Mi", 1024 ** 2], ["Ki", 1024]];

export function memory(bytes) {
  if (bytes == null || Number.isNaN(bytes)) return "?";
  if (bytes === 0) return "0";
  for (const [unit, size] of UNITS) {
    if (bytes >= size) {
      const value = bytes / size;
      return (Number.isInteger(value) ? String(value) : value.toFixed(1)) + unit;
    }
  }
  return String(bytes);
}

export function percent(part, whole) {
  if (!whole) return 0;
  return Math.max(0, Math.min(100, (100 * part) / whole));
}

export function clockTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().slice(11, 19);
}

export function age(iso, nowMs) {
  if (!iso) return "";
  const seconds = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

export function objectKey(namespace, name) {
  return namespace ? `${namespace}/${name}` : name;
}

export function plural(n, word, words) {
  return `${n} ${n === 1 ? word : words || word + "s"}`;
}
