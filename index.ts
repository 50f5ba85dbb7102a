import { readConfig } from "./config/read-config";
import { deployStack } from "./program/deploy-stack";

/**
 * The Pulumi program. Pulumi calls this function and awaits it; its result becomes the stack outputs. Config is read
 * and validated, and the cluster is read, before any resource is declared.
 */
export = async () => deployStack(readConfig());
