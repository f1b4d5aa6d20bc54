/**
 * A minimal protocol-buffers writer (wire format only), enough to serialise an ONNX ModelProto:
 * varint, 64-bit-safe negative varint, fixed32 float, length-delimited bytes/strings/sub-messages and
 * packed varints. Fields are written in the order they are added.
 */

/** Wire types used by ONNX messages. */
const WIRE = { varint: 0, fixed32: 5, bytes: 2 } as const;

const utf8 = new TextEncoder();

/** Appends protobuf fields to a growing byte list; `finish()` returns the message bytes. */
export class ProtoWriter {
  private readonly out: number[] = [];

  /** An integer field (int32/int64/enum); negative values use the 10-byte two's complement form. */
  int(field: number, value: number): this {
    this.key(field, WIRE.varint);
    this.varint(value);
    return this;
  }

  /** A float field (fixed32, little-endian IEEE single). */
  float(field: number, value: number): this {
    this.key(field, WIRE.fixed32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.out.push(...b);
    return this;
  }

  /** A length-delimited field holding raw bytes. */
  bytes(field: number, data: Uint8Array): this {
    this.key(field, WIRE.bytes);
    this.varint(data.length);
    for (const b of data) this.out.push(b);
    return this;
  }

  /** A string field (UTF-8). */
  string(field: number, s: string): this {
    return this.bytes(field, utf8.encode(s));
  }

  /** A sub-message field. */
  message(field: number, m: ProtoWriter): this {
    return this.bytes(field, m.finish());
  }

  /** A repeated integer field in packed form. */
  packedInts(field: number, values: readonly number[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  /** The serialised message. */
  finish(): Uint8Array {
    return Uint8Array.from(this.out);
  }

  private key(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  private varint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new RangeError(`protobuf: not a safe integer: ${value}`);
    // Negative int64 values are encoded as their unsigned 64-bit two's complement (10 bytes).
    let v = value < 0 ? (1n << 64n) + BigInt(value) : BigInt(value);
    do {
      const low = Number(v & 0x7fn);
      v >>= 7n;
      this.out.push(v > 0n ? low | 0x80 : low);
    } while (v > 0n);
  }
}
