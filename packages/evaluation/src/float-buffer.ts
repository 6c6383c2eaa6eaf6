/** A growable Float32Array for streaming a column of unknown length. */
export class FloatBuffer {
  data = new Float32Array(1 << 16);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  finish(): Float32Array {
    return this.data.slice(0, this.length);
  }
}
