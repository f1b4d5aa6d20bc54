/**
 * UB planning for vector kernels: a bump allocator of 32 B-aligned regions whose capacity check
 * names the buffer, the need and the overflow, like the matmul tiler's messages.
 */
import { OpError, roundUp } from '../kernel.js';

/** UB accesses start on 32 B blocks (isa/README.md, "Buffers and alignment"). */
export const UB_ALIGN = 32;

/** Bump allocator over one core's UB. */
export class UbAllocator {
  private next = 0;

  constructor(
    private readonly capacity: number,
    private readonly chip: string,
  ) {}

  /** A region of `bytes` (rounded up to a whole 32 B block); returns its UB address. */
  alloc(bytes: number): number {
    const at = this.next;
    this.next += roundUp(Math.max(bytes, UB_ALIGN), UB_ALIGN);
    return at;
  }

  get used(): number {
    return this.next;
  }

  /** Throws an OpError if the regions exceed UB; `hint` says how to fix it. */
  check(hint: string): void {
    if (this.next > this.capacity)
      throw new OpError(`UB needs ${this.next} bytes but ${this.chip} has ${this.capacity} (over by ${this.next - this.capacity}); ${hint}`);
  }
}
