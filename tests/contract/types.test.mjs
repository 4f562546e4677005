// `tsc --noEmit` over tests/contract/types/redis-api.ts: the declarations of ringlease/redis
// (redis/index.d.ts, reached through the package's own export map) type the whole API, with
// node-redis and ioredis clients, under strict settings.
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

test("redis/index.d.ts types the ringlease/redis API (tsc --noEmit, NodeNext, strict)", async () => {
  const dir = new URL("../../test-results/redis-types/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  copyFileSync(new URL("types/redis-api.ts", import.meta.url), new URL("redis-api.ts", dir));
  writeFileSync(
    new URL("tsconfig.json", dir),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        lib: ["ES2022", "DOM"],
        types: ["node"],
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        noUnusedLocals: true,
        skipLibCheck: true,
        noEmit: true,
      },
      files: ["redis-api.ts"],
    }),
  );
  const tsc = fileURLToPath(new URL("../../node_modules/.bin/tsc", import.meta.url));
  try {
    await promisify(execFile)(tsc, ["-p", fileURLToPath(new URL("tsconfig.json", dir))], { encoding: "utf8" });
  } catch (err) {
    throw new Error(`tsc failed:\n${err.stdout}${err.stderr}`);
  }
});
