// The picture fits the space it has: the canvas is zoomed (CSS zoom, so clicks, focus and
// layout stay true) to the largest factor at which it fits the topology area without scrolling.
// A smaller zoom gives the canvas more layout width, so the workers reflow into more columns:
// the search measures the real layout at candidates (two layouts when little changed; only when
// the space or the picture's structure changed). Big clusters are not fitted: they compact (chips without
// names) and scroll.

export const FIT_MIN = 0.45; // below this nothing is legible: scroll instead
const STEP = 0.05; // zoom steps: 5% of the size

/**
 * The largest zoom on a STEP grid from max down to min at which `fits(z)` holds, starting with a
 * quick look around `current` (two layouts when nothing changed much). Layouts that reflow as
 * the zoom changes (more columns, a side column that moves) need not be monotone, so the grid is
 * walked from the top rather than bisected. Returns min when nothing fits.
 */
export function searchZoom(fits, min, max, current = null) {
  const grid = [];
  for (let z = max; z > min + 1e-9; z = Math.round((z - STEP) * 100) / 100) grid.push(z);
  grid.push(min);
  if (current != null && grid.includes(current) && fits(current)) {
    const above = grid[grid.indexOf(current) - 1];
    if (above == null || !fits(above)) return current;
  }
  for (const z of grid) if (fits(z)) return z;
  return min;
}

export class Fit {
  /**
   * root: the scrolling topology area; canvas: what is zoomed; options.max(): the largest
   * zoom (presentation mode may enlarge); options.enabled(): false for big clusters;
   * options.onZoom(z): after a change (redraw the service links); options.fits(): a further condition of fitting;
   * options.pin(same): before a search, whether
   * the area is the one of the last search (then the arrangement may be held, e.g. the columns).
   */
  constructor(root, canvas, options) {
    this.root = root;
    this.canvas = canvas;
    this.options = options;
    this.zoom = 1;
    this.queued = false;
    this.size = "";
    if (window.ResizeObserver) {
      this.observer = new ResizeObserver(() => {
        const size = `${this.root.clientWidth}x${this.root.clientHeight}`;
        if (size !== this.size) this.request();
      });
      this.observer.observe(root);
    }
    window.addEventListener("resize", () => this.request());
  }

  /** Fit again at the next animation frame (once, however often asked). */
  request() {
    if (this.queued) return;
    this.queued = true;
    requestAnimationFrame(() => {
      this.queued = false;
      this.fit();
    });
  }

  /** Whether the canvas at zoom z fits the area (below whatever precedes it there): no vertical, no horizontal overflow. */
  fitsAt(z, width, height) {
    this.canvas.style.zoom = String(z);
    const box = this.canvas.getBoundingClientRect();
    const area = this.root.getBoundingClientRect();
    const top = box.top - area.top + this.root.scrollTop;
    return top + box.height <= height + 0.5 && this.canvas.scrollWidth <= this.canvas.clientWidth + 1 && box.width <= width + 0.5
      && (!this.options.fits || this.options.fits());
  }

  fit() {
    const root = this.root;
    if (!this.options.enabled() && this.zoom === 1 && this.canvas.dataset.zoom === "1") return; // big: no layout read per frame
    if (root.closest("[hidden]") || !root.clientHeight) return;
    this.size = `${root.clientWidth}x${root.clientHeight}`;
    let z = 1;
    if (this.options.enabled()) {
      // The area without a scroll bar: the fitted picture needs none.
      const style = getComputedStyle(root);
      const width = root.getBoundingClientRect().width - parseFloat(style.borderLeftWidth) - parseFloat(style.borderRightWidth);
      const height = root.getBoundingClientRect().height - parseFloat(style.borderTopWidth) - parseFloat(style.borderBottomWidth);
      const scrollTop = root.scrollTop;
      root.style.overflow = "hidden";
      const fits = (candidate) => this.fitsAt(candidate, width, height);
      // What the class is looking at: when only the picture changed (a countdown or taints on a card),
      // its arrangement stays (the picture zooms a little instead) rather than every card moving.
      const area = `${width}x${height}|${this.options.max()}`;
      if (this.options.pin) this.options.pin(this.fitted === area);
      z = searchZoom(fits, FIT_MIN, this.options.max(), this.zoom);
      this.fitted = area;
      root.style.overflow = "";
      root.scrollTop = scrollTop;
    }
    this.canvas.style.zoom = String(z);
    this.canvas.dataset.zoom = String(z);
    this.size = `${root.clientWidth}x${root.clientHeight}`;
    if (z !== this.zoom) {
      this.zoom = z;
      if (this.options.onZoom) this.options.onZoom(z);
    }
  }
}
