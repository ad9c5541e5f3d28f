// Exit codes of the bulwark command (flag bits 1 and 2 combine; sysexits.h values for the rest).

export const EXIT_OK = 0;
/** Something was flagged. */
export const EXIT_FLAGGED = 1;
/** Something could not be scanned: a detector failed or an input line was invalid. */
export const EXIT_FAILED = 2;
/** Bad usage or configuration: unknown option or detector, invalid --options / --context, unreadable file. */
export const EXIT_USAGE = 64;
/** A server could not listen (address in use, permission denied). */
export const EXIT_UNAVAILABLE = 69;
/** A bug in Bulwark. */
export const EXIT_INTERNAL = 70;
/** Writing the results failed midway (disk full, reader gone: EPIPE). */
export const EXIT_IO = 74;

export const EXIT_CODES_HELP = `
Exit codes:
  0   nothing flagged, nothing failed
  1   something was flagged
  2   something failed (a detector raised an error, or an input line was invalid)
  3   both 1 and 2
  64  usage or configuration error (unknown detector, bad --options, unreadable file)
  69  the server could not listen
  70  internal error
  74  writing the results failed midway (e.g. the reading end of the pipe closed)`;

/** Combines the outcome of a run into 0..3. */
export function outcomeExitCode(flagged: boolean, failed: boolean): number {
  return (flagged ? EXIT_FLAGGED : 0) | (failed ? EXIT_FAILED : 0);
}
