/**
 * `npx tsx scripts/fix-lockfile.ts`: run after `npm install` when `npm ci` then fails with
 * "Missing: <pkg>@ from lock file".
 *
 * Our npm registry lacks some platform-only optional packages (for example
 * `@next/swc-win32-x64-msvc`). `npm install` skips them silently and leaves them out of
 * package-lock.json, but `npm ci` insists on an entry for every optional dependency. This adds
 * the entry npm would have written — version, os, cpu, libc — minus the integrity hash it
 * could not fetch. npm skips such a package on other platforms and fetches it by version on
 * its own.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";

type Entry = Record<string, unknown> & { version?: string; dev?: boolean; optionalDependencies?: Record<string, string> };

function missingPackages(): string[] {
  let output = "";
  try {
    execFileSync("npm", ["ci", "--dry-run", "--ignore-scripts"], { encoding: "utf8", stdio: "pipe" });
  } catch (err) {
    output = String((err as { stderr?: string }).stderr ?? "");
  }
  return [...output.matchAll(/Missing: (\S+?)@\S* from lock file/g)].map((m) => m[1]!);
}

/** os/cpu/libc from a platform package's name: `rollup-linux-arm64-musl`, `swc-win32-x64-msvc`… */
function platformOf(name: string): Entry {
  const parts = name.split("/").pop()!.split("-");
  const osIndex = parts.findIndex((p) => /^(aix|android|darwin|freebsd|linux|netbsd|openbsd|openharmony|sunos|win32)$/.test(p));
  if (osIndex === -1) {
    if (parts.includes("wasm32")) return { cpu: ["wasm32"] };
    throw new Error(`${name}: cannot tell its platform from the name; add its entry by hand`);
  }
  const os = parts[osIndex]!;
  const cpu = parts[osIndex + 1];
  if (!cpu) throw new Error(`${name}: no cpu after the os in the name`);
  const rest = parts.slice(osIndex + 2).join("-");
  const entry: Entry = { cpu: [cpu] };
  if (os === "linux") entry.libc = [/musl/.test(rest) ? "musl" : "glibc"];
  entry.os = [os];
  return entry;
}

const missing = missingPackages();
if (missing.length === 0) {
  console.log("package-lock.json is fine for npm ci.");
  process.exit(0);
}
const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8")) as { packages: Record<string, Entry> };
for (const name of missing) {
  const parents = Object.values(lock.packages).filter((p) => p.optionalDependencies?.[name]);
  const versions = new Set(parents.map((p) => p.optionalDependencies![name]!));
  const version = [...versions][0];
  if (versions.size !== 1 || !/^\d+\.\d+\.\d+$/.test(version!)) {
    throw new Error(`${name}: not an optional dependency pinned to one exact version; fix it by hand`);
  }
  const entry: Entry = { version, ...platformOf(name) };
  if (parents.every((p) => p.dev)) entry.dev = true;
  entry.optional = true;
  lock.packages[`node_modules/${name}`] = entry;
  console.log(`added ${name}@${version} ${JSON.stringify(platformOf(name))}`);
}
fs.writeFileSync("package-lock.json", JSON.stringify(lock, null, 2) + "\n");
// Let npm put the entries in its own order.
execFileSync("npm", ["install", "--package-lock-only", "--ignore-scripts"], { stdio: "inherit" });
const still = missingPackages();
if (still.length) throw new Error(`npm ci still misses: ${still.join(", ")}`);
console.log("package-lock.json is fine for npm ci now.");
