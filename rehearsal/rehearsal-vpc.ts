import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TYPE_TOKENS } from "../common/project";

/** Arguments of a RehearsalVpc. */
export interface RehearsalVpcArgs {
    /** The VPC's IPv4 CIDR, a /16: public subnets take /20s from its start, private subnets /19s from its middle. */
    readonly cidrBlock: string;
    /** Exactly two availability zone names (EKS needs subnets in at least two). */
    readonly availabilityZones: readonly [string, string];
    /** Tags on every resource. @default {} */
    readonly tags?: Readonly<Record<string, string>>;
}

/** The i-th /20 (public) or /19 (private, from the second half) of a /16. */
export function rehearsalSubnetCidr(vpcCidr: string, kind: "public" | "private", index: number): string {
    const [a, b] = vpcCidr.split(".");
    return kind === "public" ? `${a}.${b}.${index * 16}.0/20` : `${a}.${b}.${128 + index * 32}.0/19`;
}

/**
 * The small VPC a rehearsal creates when it is given no subnets: two AZs, a public and a private subnet in each, one
 * internet gateway and ONE NAT gateway (in the first AZ's public subnet) for both private subnets. Nodes run in the
 * private subnets. One NAT gateway keeps the cost down (about $0.045-0.048/h plus data, see the README); its AZ is a
 * single point of failure, which a rehearsal accepts. Subnets carry the load balancer discovery tags.
 */
export class RehearsalVpc extends pulumi.ComponentResource {
    /** The VPC's id. */
    public readonly vpcId: pulumi.Output<string>;
    /** The private subnets (nodes), in AZ order. */
    public readonly privateSubnetIds: pulumi.Output<string>[];
    /** The public subnets (NAT gateway, internet-facing load balancers), in AZ order. */
    public readonly publicSubnetIds: pulumi.Output<string>[];

    constructor(name: string, args: RehearsalVpcArgs, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE_TOKENS.RehearsalVpc, name, {}, opts);
        const tags = (extra: Record<string, string>) => ({ ...(args.tags ?? {}), ...extra });
        const parent = { parent: this };

        const vpc = new aws.ec2.Vpc(
            name,
            {
                cidrBlock: args.cidrBlock,
                enableDnsHostnames: true,
                enableDnsSupport: true,
                tags: tags({ Name: name }),
            },
            parent,
        );
        const gateway = new aws.ec2.InternetGateway(
            `${name}-igw`,
            { vpcId: vpc.id, tags: tags({ Name: name }) },
            parent,
        );

        const subnet = (kind: "public" | "private", zone: string, index: number) =>
            new aws.ec2.Subnet(
                `${name}-${kind}-${zone}`,
                {
                    vpcId: vpc.id,
                    availabilityZone: zone,
                    cidrBlock: rehearsalSubnetCidr(args.cidrBlock, kind, index),
                    mapPublicIpOnLaunch: kind === "public",
                    tags: tags({
                        Name: `${name}-${kind}-${zone}`,
                        [kind === "public" ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb"]: "1",
                    }),
                },
                parent,
            );
        const publicSubnets = args.availabilityZones.map((zone, i) => subnet("public", zone, i));
        const privateSubnets = args.availabilityZones.map((zone, i) => subnet("private", zone, i));

        const address = new aws.ec2.Eip(`${name}-nat`, { domain: "vpc", tags: tags({ Name: name }) }, parent);
        const nat = new aws.ec2.NatGateway(
            `${name}-nat`,
            { allocationId: address.id, subnetId: publicSubnets[0].id, tags: tags({ Name: name }) },
            { parent: this, dependsOn: [gateway] },
        );

        const routeTable = (kind: "public" | "private", route: aws.types.input.ec2.RouteTableRoute) =>
            new aws.ec2.RouteTable(
                `${name}-${kind}`,
                { vpcId: vpc.id, routes: [route], tags: tags({ Name: `${name}-${kind}` }) },
                parent,
            );
        const publicRoutes = routeTable("public", { cidrBlock: "0.0.0.0/0", gatewayId: gateway.id });
        const privateRoutes = routeTable("private", { cidrBlock: "0.0.0.0/0", natGatewayId: nat.id });
        const associate = (kind: "public" | "private", zone: string, subnetId: pulumi.Output<string>) =>
            new aws.ec2.RouteTableAssociation(
                `${name}-${kind}-${zone}`,
                { subnetId, routeTableId: (kind === "public" ? publicRoutes : privateRoutes).id },
                parent,
            );
        args.availabilityZones.forEach((zone, i) => {
            associate("public", zone, publicSubnets[i].id);
            associate("private", zone, privateSubnets[i].id);
        });

        this.vpcId = vpc.id;
        this.publicSubnetIds = publicSubnets.map((s) => s.id);
        this.privateSubnetIds = privateSubnets.map((s) => s.id);
        this.registerOutputs({
            vpcId: this.vpcId,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
        });
    }
}
