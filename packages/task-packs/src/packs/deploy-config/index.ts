export { createDeployConfigPack, deployConfigPack, renderDeployConfig, type DeployConfigOptions } from './deploy-config-pack';
export { deployConfigCapabilities } from './deploy-config-capabilities';
export { resolveDeployPolicy, type DeployPolicy, type ResolvedDeployPolicy } from './deploy-policy';
export { findViolations, assertSafeSettings, type DeployViolation } from './check-service-settings';
export { renderManifests, type KubernetesObject, type RenderedDeployment } from './render-manifests';
export { renderHelmValues } from './render-helm-values';
export { serializeAndValidate, structuralProblems } from './validate-manifests';
export {
  serviceSettingsSchema,
  deployConfigOutputSchema,
  type ServiceSettings,
  type ServiceSettingsInput,
  type DeployConfigOutput,
} from './service-settings-schema';
