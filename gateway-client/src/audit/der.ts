/**
 * Minimal DER (ASN.1) helpers: just enough to hash Fabric block headers and to read one extension
 * of an X.509 certificate. Not a general ASN.1 library.
 */

/** One type-length-value element located in a buffer. */
export interface Tlv {
  /** The tag byte (single-byte tags only). */
  readonly tag: number;
  /** Offset of the first content byte. */
  readonly contentStart: number;
  /** Offset just past the last content byte. */
  readonly end: number;
}

/** Reads the TLV that starts at `offset`; throws on truncated or unsupported encodings. */
export function readTlv(bytes: Uint8Array, offset: number): Tlv {
  const tag = bytes[offset];
  const first = bytes[offset + 1];
  if (tag === undefined || first === undefined) {
    throw new Error(`DER: truncated element at ${offset}`);
  }
  let length = first;
  let header = 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) {
      throw new Error(`DER: unsupported length encoding at ${offset}`);
    }
    length = 0;
    for (let i = 0; i < count; i++) {
      length = length * 256 + (bytes[offset + 2 + i] ?? 0);
    }
    header += count;
  }
  const contentStart = offset + header;
  const end = contentStart + length;
  if (end > bytes.length) {
    throw new Error(`DER: element at ${offset} overruns the buffer`);
  }
  return { tag, contentStart, end };
}

/** Encodes a DER length. */
export function derLength(length: number): Buffer {
  if (length < 0x80) {
    return Buffer.from([length]);
  }
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) {
    bytes.unshift(n % 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Encodes one DER element from a tag and its content. */
export function derElement(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

/** DER INTEGER of a non-negative integer (minimal two's complement, as Go's encoding/asn1 writes). */
export function derUnsignedInteger(value: bigint): Buffer {
  if (value < 0n) {
    throw new Error('DER: negative integers are not supported');
  }
  let hex = value.toString(16);
  if (hex.length % 2 === 1) {
    hex = `0${hex}`;
  }
  let content = Buffer.from(hex, 'hex');
  if ((content[0] ?? 0) & 0x80) {
    content = Buffer.concat([Buffer.from([0]), content]);
  }
  return derElement(0x02, content);
}

/** DER encoding of a dotted object identifier. */
export function derOid(dotted: string): Buffer {
  const parts = dotted.split('.').map((p) => Number.parseInt(p, 10));
  const [a = 0, b = 0, ...rest] = parts;
  const bytes: number[] = [40 * a + b];
  for (const part of rest) {
    const chunk: number[] = [part & 0x7f];
    for (let n = Math.floor(part / 128); n > 0; n = Math.floor(n / 128)) {
      chunk.unshift((n & 0x7f) | 0x80);
    }
    bytes.push(...chunk);
  }
  return derElement(0x06, Buffer.from(bytes));
}
