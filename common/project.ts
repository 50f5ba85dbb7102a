/** The Pulumi project name; config keys are `eks-al2023-migration:<key>`. */
export const PROJECT = "eks-al2023-migration";

/**
 * The type token of every component of this project, `eks-al2023-migration:<folder>:<Type>`: the folder is the
 * domain that holds the component. A token is part of each child's URN: changing one replaces every resource under
 * the component in a deployed stack unless an alias keeps the old URN (tests/program/urns.test.ts).
 */
export const TYPE_TOKENS = {
    NodeLaunchTemplate: "eks-al2023-migration:nodes:NodeLaunchTemplate",
    Al2023NodeGroup: "eks-al2023-migration:nodes:Al2023NodeGroup",
    NodeRole: "eks-al2023-migration:nodes:NodeRole",
    LegacyNodeGroup: "eks-al2023-migration:cutover:LegacyNodeGroup",
    WorkloadIdentities: "eks-al2023-migration:identity:WorkloadIdentities",
    WorkloadRole: "eks-al2023-migration:identity:WorkloadRole",
    ServiceAccountBinding: "eks-al2023-migration:identity:ServiceAccountBinding",
    RehearsalCluster: "eks-al2023-migration:rehearsal:RehearsalCluster",
    RehearsalVpc: "eks-al2023-migration:rehearsal:RehearsalVpc",
    SampleWorkload: "eks-al2023-migration:rehearsal:SampleWorkload",
    DeployEnvironment: "eks-al2023-migration:deploy:DeployEnvironment",
} as const;

/** Tag keys the program sets itself on every resource; users may not set them. */
export const RESERVED_TAG_PREFIX = `${PROJECT}/`;
