// Splits a child process's output stream into lines: the line protocols of the matrix and the bench.

/**
 * Calls `onLine(line)` for every complete line `stream` emits (without the newline).
 * @param {NodeJS.ReadableStream} stream
 * @param {(line: string) => void} onLine
 */
export function onLines(stream, onLine) {
  let buffered = "";
  stream.on("data", (chunk) => {
    buffered += chunk;
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      onLine(line);
      newline = buffered.indexOf("\n");
    }
  });
}
