/**
 * Characters no text field may hold: the C0 control characters but tab, line feed and carriage
 * return, U+FFFE and U+FFFF (XML 1.0 forbids them, so no feed could carry them), and lone
 * UTF-16 surrogates (no UTF-8 encoding exists). PostgreSQL refuses NUL in text and NUL or a lone
 * surrogate in JSON: stored, they would fail the write; refused here, the caller learns which field.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const UNSTORABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const codePoint = (c: string) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;

/** What is wrong with `text`, in plain words, or null when every character can be stored. */
export function unstorableTextProblem(text: string): string | null {
  const m = UNSTORABLE.exec(text);
  if (!m) return null;
  const at = `character ${m.index + 1}`;
  const c = m[0];
  if (c >= "\ud800" && c <= "\udfff") return `Remove the broken character at ${at} (half of a UTF-16 surrogate pair, ${codePoint(c)}).`;
  return `Remove the control character ${codePoint(c)} at ${at}: it cannot be stored or put in a feed.`;
}

/** One issue per string in `value` (nested objects and arrays too) that holds an unstorable character. */
export function unstorableTextIssues(value: unknown, path: PropertyKey[] = []): { path: PropertyKey[]; message: string }[] {
  if (typeof value === "string") {
    const problem = unstorableTextProblem(value);
    return problem ? [{ path, message: problem }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => unstorableTextIssues(v, [...path, i]));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => {
      const keyProblem = unstorableTextProblem(k);
      return keyProblem ? [{ path: [...path, k], message: keyProblem }] : unstorableTextIssues(v, [...path, k]);
    });
  }
  return [];
}
