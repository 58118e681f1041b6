/** Who is asking: every data-layer function takes this and scopes what it reads and writes to it. */
export interface Viewer {
  readonly userId: string;
}
