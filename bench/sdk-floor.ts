/**
 * The SDK floor: a Node process that loads the given package modules (the program's package imports) and nothing
 * else. Run as `node sdk-floor.js <module>...` from the project root.
 */
import { createRequire } from "node:module";
import * as path from "node:path";
import { report } from "./protocol";

const load = createRequire(path.join(process.cwd(), "package.json"));
for (const module of process.argv.slice(2)) load(module);
report({});
