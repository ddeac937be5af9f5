// What every panel of the classroom drawer shares: the page's context, whether the panel is
// shown, and one pending timer that hiding the panel cancels. Panels extend it and call
// super.shown() / super.hidden() from their own hooks.

export class DrawerPanel {
  constructor({ el, store, api, ui, cluster }) {
    this.el = el;
    this.store = store;
    this.api = api;
    this.ui = ui;
    this.cluster = cluster;
    this.visible = false;
    this.timer = null;
  }

  shown() {
    this.visible = true;
  }

  hidden() {
    this.visible = false;
    this.cancelTimer();
  }

  cancelTimer() {
    clearTimeout(this.timer);
    this.timer = null;
  }
}
