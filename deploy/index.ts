import { readDeployConfig } from "./config";
import { deployPipeline } from "./program";

const pipeline = deployPipeline(readDeployConfig());

/** The deploy role of each environment: set them as the GitHub variables AWS_ROLE_ARN_DEV / AWS_ROLE_ARN_PROD. */
export const roleArns = pipeline.roleArns;

/** The Deployments settings this bootstrap manages. */
export const deploymentSettings = pipeline.deploymentSettings;
