// Placeholder until this panel is built; the classroom drawer constructs it.
export class ReplayPanel {
  constructor({ el }) {
    this.el = el;
  }
}
