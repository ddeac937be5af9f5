// Placeholder until this panel is built; the classroom drawer constructs it.
export class TrafficPanel {
  constructor({ el }) {
    this.el = el;
  }
}
