// Owns: the reference-counted object that a table slot points at (an "open description").
// Must not: know what the object is (file, directory, stream); subclasses do.

/**
 * Something a capability table can hold: an open file or directory description,
 * a stream end, a socket. The number a guest sees is only a key in a table; the
 * resource is the object, so one resource can sit in two tables (two guest
 * instances) at once. It is disposed when the last table lets go of it.
 */
export abstract class Resource {
  /** A short name of the kind of resource, used in messages and traces. */
  abstract readonly kind: string;
  #refs = 0;
  #disposed = false;

  /** How many table slots (and child resources) hold this resource. */
  get refCount(): number {
    return this.#refs;
  }

  /** True once the last reference was released and {@link dispose} ran. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Adds a reference. Tables call this; host code that keeps a resource alive may too. */
  retain(): this {
    if (this.#disposed) throw new Error(`cannot retain a disposed ${this.kind} resource`);
    this.#refs++;
    return this;
  }

  /** Drops a reference; the last one disposes the resource. */
  release(): void {
    if (this.#refs <= 0) throw new Error(`${this.kind} resource released more often than retained`);
    if (--this.#refs === 0) {
      this.#disposed = true;
      this.dispose();
    }
  }

  /** Frees what the resource holds (host file descriptors, buffers). Runs once. */
  protected dispose(): void {}
}
