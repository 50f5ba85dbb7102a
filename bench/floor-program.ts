import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../common/project";

/** How many resources of one type the floor declares, and the constant inputs each of them gets. */
export interface FloorResourceType {
    readonly type: string;
    readonly count: number;
    /** Inputs as the mocks recorded them for one real resource of this type (plain values). */
    readonly inputs: Readonly<Record<string, unknown>>;
}

/** What a floor program loads and declares. */
export interface FloorSpec {
    /** Package modules to load, exactly the program's (see `programPackageImports`). */
    readonly sdkModules: readonly string[];
    readonly resources: readonly FloorResourceType[];
}

/** The input key under which the Node SDK stores a dynamic resource's serialised provider. */
const DYNAMIC_PROVIDER_INPUT = "__provider";
const DYNAMIC_TYPE = "pulumi-nodejs:dynamic:Resource";

/** A dynamic provider with nothing in its closure: the cheapest provider a dynamic resource can serialise. */
const constantProvider: pulumi.dynamic.ResourceProvider = {
    async create() {
        return { id: "floor", outs: {} };
    },
};

/** A dynamic resource of the floor (the SDK's class is abstract). */
class FloorDynamicResource extends pulumi.dynamic.Resource {}

/** A custom resource of a type the floor has no SDK class for (the SDK's class is abstract). */
class FloorCustomResource extends pulumi.CustomResource {
    constructor(type: string, name: string, inputs: pulumi.Inputs) {
        super(type, name, inputs);
    }
}

/** A component with the real component's type token and no children of its own. */
class FloorComponent extends pulumi.ComponentResource {
    constructor(type: string, name: string) {
        super(type, name);
        this.registerOutputs({});
    }
}

type Declare = (name: string, inputs: Readonly<Record<string, unknown>>) => void;
type ResourceClass = new (name: string, args: unknown, opts?: pulumi.CustomResourceOptions) => pulumi.Resource;

/** A property path of a loaded module, or undefined when any step is missing. */
function lookup(root: unknown, steps: readonly string[]): unknown {
    return steps.reduce<unknown>((at, step) => (at as Record<string, unknown> | undefined)?.[step], root);
}

/**
 * The SDK class for a type token, found the way the SDKs lay out their modules: `aws:iam/role:Role` →
 * `aws.iam.Role`, `kubernetes:apps/v1:DeploymentPatch` → `k8s.apps.v1.DeploymentPatch`,
 * `kubernetes:rbac.authorization.k8s.io/v1:Role` → `k8s.rbac.v1.Role`, `pulumi:providers:kubernetes` →
 * `k8s.Provider`. Undefined when the package is not one the program loads or has no such class.
 */
export function sdkClassPath(type: string): { module: string; path: string[] } | undefined {
    const [pkg, mod, name] = type.split(":");
    if (pkg === "pulumi" && mod === "providers") return { module: `@pulumi/${name}`, path: ["Provider"] };
    if (pkg === "aws") return { module: "@pulumi/aws", path: [mod.split("/")[0], name] };
    if (pkg === "kubernetes") {
        const [group, version] = mod.split("/");
        return { module: "@pulumi/kubernetes", path: [group.split(".")[0], version, name] };
    }
    return undefined;
}

/** A function that declares one resource of `type` with the given inputs, using the SDK's own class when it can. */
function declarerFor(type: string, load: (module: string) => unknown, sdkModules: readonly string[]): Declare {
    if (type === DYNAMIC_TYPE) {
        return (name, inputs) => {
            const props = { ...inputs };
            delete props[DYNAMIC_PROVIDER_INPUT];
            new FloorDynamicResource(constantProvider, name, props);
        };
    }
    if (type === "pulumi:pulumi:StackReference") {
        return (name, inputs) => new pulumi.StackReference(name, { name: String(inputs.name ?? name) });
    }
    if (type.startsWith(`${PROJECT}:`)) {
        return (name) => new FloorComponent(type, name);
    }
    const where = sdkClassPath(type);
    const found = where && sdkModules.includes(where.module) ? lookup(load(where.module), where.path) : undefined;
    if (typeof found === "function") {
        const Class = found as ResourceClass;
        return (name, inputs) => new Class(name, inputs);
    }
    return (name, inputs) => new FloorCustomResource(type, name, { ...inputs });
}

/**
 * The scale floor: a program that loads the same SDK modules and declares the same number of resources of the same
 * types as the real program, each with constant inputs. What the real program takes beyond this is its own cost.
 */
export function floorProgram(spec: FloorSpec): () => Promise<Record<string, unknown>> {
    const load = createRequire(__filename);
    for (const module of spec.sdkModules) load(module);
    return async () => {
        for (const { type, count, inputs } of spec.resources) {
            if (type === "pulumi:pulumi:Stack") continue;
            const declare = declarerFor(type, load, spec.sdkModules);
            const short = type.split(":").pop()!.toLowerCase();
            for (let i = 0; i < count; i++) declare(`floor-${short}-${i}`, inputs);
        }
        return {};
    };
}
