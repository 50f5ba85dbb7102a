import { readDeployConfig } from "./config";
import { deployPipeline } from "./program";

/**
 * The bootstrap program. Its outputs: `roleArns`, the deploy role of each environment (set them as the GitHub
 * variables AWS_ROLE_ARN_DEV / AWS_ROLE_ARN_PROD), and `deploymentSettings`, the Deployments settings it manages.
 */
export = async () => {
    const pipeline = await deployPipeline(readDeployConfig());
    return { roleArns: pipeline.roleArns, deploymentSettings: pipeline.deploymentSettings };
};
