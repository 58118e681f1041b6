import fs from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The lint guards can fail: files that break them, written into the app's tree for the length of
 * this test and linted with the project's own eslint.config.mjs (type information included), are
 * reported; the same statements written correctly are not.
 */
const root = path.resolve(__dirname, "..");
// Unique per process: both vitest projects run this file at the same time.
const bad = path.join(root, `lib/data/lint-probe-bad-${process.pid}.ts`);
const good = path.join(root, `lib/data/lint-probe-good-${process.pid}.ts`);

const header = `import { eq } from "drizzle-orm";
import { db, tables } from "@/db";
import { transaction } from "@/db/tx";
`;

// Each offending line ends with a comment naming the rule that must report it.
const badCode = `${header}
async function save(): Promise<void> {}

export async function wipe(ids: string[]) {
  await db.delete(tables.episodes); // drizzle/enforce-delete-with-where
  await db.update(tables.podcasts).set({ title: "x" }); // drizzle/enforce-update-with-where
  await transaction(async (tx) => {
    await tx.delete(tables.mediaFiles); // drizzle/enforce-delete-with-where
  });
  save(); // @typescript-eslint/no-floating-promises
  ids.forEach(async () => save()); // @typescript-eslint/no-misused-promises
  console.log("wiped"); // no-console
  return eq;
}
`;

const goodCode = `${header}
async function save(): Promise<void> {}

export async function remove(id: string) {
  await db.delete(tables.episodes).where(eq(tables.episodes.id, id));
  await db.update(tables.podcasts).set({ title: "x" }).where(eq(tables.podcasts.id, id));
  await transaction(async (tx) => {
    await tx.delete(tables.mediaFiles).where(eq(tables.mediaFiles.id, id));
  });
  await save();
  await Promise.all([id].map(async () => save()));
  void save(); // deliberately not awaited
}
`;

let results: Map<string, ESLint.LintResult>;
let eslint: ESLint;

beforeAll(async () => {
  fs.writeFileSync(bad, badCode);
  fs.writeFileSync(good, goodCode);
  eslint = new ESLint({ cwd: root });
  results = new Map((await eslint.lintFiles([bad, good])).map((r) => [r.filePath, r]));
}, 120_000);

afterAll(() => {
  fs.rmSync(bad, { force: true });
  fs.rmSync(good, { force: true });
});

/** "line: rule" for every message, and for every line's expectation comment. */
const found = (file: string) => results.get(file)!.messages.map((m) => `${m.line}: ${m.ruleId ?? m.message}`);
const expected = (code: string) =>
  code.split("\n").flatMap((line, i) => {
    const rule = /\/\/ ((?:@[\w-]+\/|drizzle\/)?[\w-]+)$/.exec(line)?.[1];
    return rule && rule.includes("-") ? [`${i + 1}: ${rule}`] : [];
  });

describe("lint guards", () => {
  it("report a delete or update without where (db and tx), a floating or misused promise, console in the app", () => {
    expect(expected(badCode)).toHaveLength(6);
    expect(found(bad).sort()).toEqual(expected(badCode).sort());
  });

  it("accept the same statements written correctly", () => {
    expect(found(good)).toEqual([]);
  });

  it("allow console in scripts, bench and e2e only", async () => {
    const noConsole = async (file: string) => (await eslint.calculateConfigForFile(path.join(root, file))).rules?.["no-console"]?.[0];
    expect(await noConsole("lib/x.ts")).toBe(2);
    expect(await noConsole("app/x/page.tsx")).toBe(2);
    expect(await noConsole("components/x.tsx")).toBe(2);
    for (const tool of ["scripts/x.ts", "bench/x.ts", "e2e/x.ts"]) expect(await noConsole(tool), tool).toBeUndefined();
  });
});
