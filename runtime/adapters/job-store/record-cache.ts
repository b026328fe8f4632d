/**
 * The most recently used job records of the filesystem store, so the pages clients poll again
 * and again (the newest jobs, a job being waited for) are not re-read from disk every time.
 * A Map keeps insertion order: re-inserting on use makes the first key the least recently used.
 */
export class RecordCache<V> {
  private readonly items = new Map<string, V>();

  constructor(private readonly capacity: number) {}

  get(key: string): V | undefined {
    const value = this.items.get(key);
    if (value !== undefined) {
      this.items.delete(key);
      this.items.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    if (this.capacity <= 0) return;
    this.items.delete(key);
    this.items.set(key, value);
    if (this.items.size > this.capacity) this.items.delete(this.items.keys().next().value as string);
  }
}
