// `npm run lint` (and a step of `npm test`). Next's rules, typescript-eslint with type
// information for the promise rules, drizzle's where-guard, and no console outside tools.
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import drizzle from "eslint-plugin-drizzle";
import tseslint from "typescript-eslint";

export default defineConfig([
  js.configs.recommended,
  ...nextVitals,
  ...nextTs,
  // A disable that no longer silences anything is noise that hides the next real problem.
  { linterOptions: { reportUnusedDisableDirectives: "error" } },
  globalIgnores([".next/**", "out/**", "build/**", "next-env.d.ts", "data/**", ".test-data/**", "test-results/**", "playwright-report/**"]),
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { drizzle },
    rules: {
      // A promise nobody awaits loses its errors and its ordering; `void` marks the deliberate ones.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      // An update or delete without where touches every row (create-t3-app's guard).
      "drizzle/enforce-delete-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
      "drizzle/enforce-update-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    // Playwright fixtures call their `use` argument, which is not React's hook.
    files: ["e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  {
    // Everything that runs inside the app logs through lib/log.ts (redaction, request ids).
    files: ["**/*.{ts,tsx,js,mjs}"],
    ignores: ["scripts/**", "bench/**", "e2e/**"],
    rules: { "no-console": "error" },
  },
]);
