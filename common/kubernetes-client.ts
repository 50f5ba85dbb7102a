/**
 * @kubernetes/client-node, loaded when first called. The drain runs inside Pulumi's dynamic provider process from a
 * serialized closure; a module-level import would be captured as a value, which the closure serializer cannot always
 * recognise as a package (it then tries to serialize the library and fails), whereas `require` in a body is kept as
 * it is and resolves from the project's node_modules.
 */
export function clientNode(): typeof import("@kubernetes/client-node") {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("@kubernetes/client-node");
}
