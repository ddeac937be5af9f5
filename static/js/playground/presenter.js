// Placeholder until this panel is built; the classroom drawer constructs it.
export class PresenterPanel {
  constructor({ el }) {
    this.el = el;
  }
}
