/** The Pulumi project name; config keys are `eks-al2023-migration:<key>`. */
export const PROJECT = "eks-al2023-migration";

/** Tag keys the program sets itself on every resource; users may not set them. */
export const RESERVED_TAG_PREFIX = `${PROJECT}/`;
