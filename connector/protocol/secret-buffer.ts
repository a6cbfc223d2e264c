/**
 * A zero-filled Buffer whose bytes live outside the V8 heap. V8 keeps small typed arrays (≤ 64 bytes) inside its
 * heap and copies them out the first time native code or `.buffer` asks for their memory, leaving the old copy
 * behind where no `fill(0)` reaches it. A Buffer over its own ArrayBuffer never moves, so zeroing it erases the
 * only copy: use it for anything that holds a PIN (security-checklist PIN-02).
 */
export function secretBuffer(length: number): Buffer {
  return Buffer.from(new ArrayBuffer(length));
}
