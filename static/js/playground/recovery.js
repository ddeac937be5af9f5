// Placeholder until this panel is built; the classroom drawer constructs it.
export class RecoveryPanel {
  constructor({ el }) {
    this.el = el;
  }
}
