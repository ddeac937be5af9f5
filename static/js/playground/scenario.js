// Placeholder until this panel is built; the classroom drawer constructs it.
export class ScenarioPanel {
  constructor({ el }) {
    this.el = el;
  }
}
