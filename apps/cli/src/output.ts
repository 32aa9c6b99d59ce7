import { escapeControls, jsonSafe, jsonText } from '@nrdl-catalog/gateway-client';

/** Where command output goes; tests capture it. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

function writeTo(stream: NodeJS.WriteStream, text: string): void {
  // On a terminal, chain data must not be able to move the cursor, retitle the window, etc. (and the
  // byte order mark CSV output starts with, there for spreadsheets, is left out rather than escaped).
  const shown = stream.isTTY ? escapeControls(text.replace(/^\uFEFF/u, ''), '\n\t') : text;
  stream.write(shown.endsWith('\n') ? shown : `${shown}\n`);
}

/** Output to the process's stdout / stderr; on a terminal, control characters are escaped. */
export const processOutput: Output = {
  out: (text) => {
    writeTo(process.stdout, text);
  },
  err: (text) => {
    writeTo(process.stderr, text);
  },
};

/** JSON with bigint turned into numbers (block numbers), two-space indented, {@link jsonSafe}. */
export function toJson(value: unknown): string {
  return jsonSafe(jsonText(value, 2));
}
