// Small helpers for looking at the words around a match, in bounded windows so every check stays O(1).

/** Lower-cased text of at most `size` UTF-16 units before `index`. */
export function before(text: string, index: number, size: number): string {
  return text.slice(Math.max(0, index - size), index).toLowerCase();
}

/** Lower-cased text of at most `size` UTF-16 units from `index`. */
export function after(text: string, index: number, size: number): string {
  return text.slice(index, index + size).toLowerCase();
}

/** True when `code` is an ASCII letter or digit or underscore (the \w of non-Unicode regexes). */
export function isWordCode(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95
  );
}

/** True when `code` is an ASCII digit. */
export function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The ASCII digits of `s`, in order. */
export function digitsOf(s: string): string {
  return s.replace(/\D+/g, '');
}
