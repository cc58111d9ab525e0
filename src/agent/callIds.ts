// Tool-call ids that are unique across the whole conversation. DashScope sends the id on the first
// fragment only, some servers send "" on every fragment, and some clients invented ids per turn
// that collided across turns, so results reached the wrong call. An id that is missing or already
// used in this conversation is replaced by one made from the task, the step and the call's place.
export class CallIds {
  private readonly used = new Set<string>();

  constructor(existing: Iterable<string> = []) {
    for (const id of existing) this.used.add(id);
  }

  /** The id to use for a call the server named `given` (possibly ""), as call `index` of `step`. */
  claim(given: string, taskId: string, step: number, index: number): string {
    let id = given && given.length <= 200 && !this.used.has(given) ? given : `call_${taskId.slice(0, 8)}_${step}_${index}`;
    for (let n = 2; this.used.has(id); n++) id = `call_${taskId.slice(0, 8)}_${step}_${index}_${n}`;
    this.used.add(id);
    return id;
  }
}
