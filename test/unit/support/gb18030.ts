/**
 * GB18030 bytes of a text, for tests of files saved by Chinese spreadsheet programs. Node can decode
 * GB18030 (`TextDecoder`) but not encode it, so the two-byte table is built once by decoding every
 * two-byte sequence; ASCII stays one byte. Characters outside the two-byte table are refused.
 */
let table: Map<string, readonly [number, number]> | undefined;

function twoByteTable(): Map<string, readonly [number, number]> {
  if (table) return table;
  const decoder = new TextDecoder('gb18030');
  table = new Map();
  for (let lead = 0x81; lead <= 0xfe; lead += 1) {
    for (let trail = 0x40; trail <= 0xfe; trail += 1) {
      if (trail === 0x7f) continue;
      const char = decoder.decode(Uint8Array.of(lead, trail));
      if (char.length === 1 && char !== '\ufffd' && !table.has(char)) table.set(char, [lead, trail]);
    }
  }
  return table;
}

/** `text` encoded as GB18030. */
export function gb18030Bytes(text: string): Buffer {
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x80) {
      bytes.push(code);
      continue;
    }
    const pair = twoByteTable().get(char);
    if (pair === undefined) throw new Error(`no two-byte GB18030 code for ${JSON.stringify(char)}`);
    bytes.push(...pair);
  }
  return Buffer.from(bytes);
}
