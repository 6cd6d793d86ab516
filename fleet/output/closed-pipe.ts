/**
 * A reader that goes away (`... | head`) is not an error worth a stack trace:
 * the command line tools ignore EPIPE on their output streams.
 */
export function ignoreClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
    });
  }
}
