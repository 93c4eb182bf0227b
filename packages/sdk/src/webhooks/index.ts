export * from './standard-webhooks';
export { assertWebhookTarget, isPrivateAddress, type WebhookTargetPolicy } from './webhook-target';
export { createWebhookDelivery, type WebhookDelivery, type WebhookDeliveryOptions, type WebhookAttempt } from './webhook-delivery';
