/** `npm run docs:config`: writes the config reference generated from the schema into README.md and Pulumi.yaml. */
import * as fs from "node:fs";
import * as path from "node:path";
import { pulumiYamlWithConfig, readmeWithReference } from "./config-reference";

const root = path.resolve(__dirname, "..");
const files = { "README.md": readmeWithReference, "Pulumi.yaml": pulumiYamlWithConfig };
for (const [name, render] of Object.entries(files)) {
    const file = path.join(root, name);
    fs.writeFileSync(file, render(fs.readFileSync(file, "utf8")));
}
