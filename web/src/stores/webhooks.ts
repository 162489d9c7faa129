// Webhooks and the delivery history of the one being looked at. A secret typed into the form goes
// to the server once and is never kept here; an empty secret field on edit leaves the stored one.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { webhooksApi } from '../services/webhooks.api';
import type { Webhook, WebhookDelivery, WebhookInput } from '../services/webhook-types';

export const useWebhooksStore = defineStore('webhooks', () => {
  const webhooks = ref<Webhook[]>([]);
  const deliveries = ref<WebhookDelivery[]>([]);
  const historyOf = ref<string | null>(null);

  async function load(): Promise<void> {
    webhooks.value = await webhooksApi.list();
  }

  /** Creates (no id) or updates; `secret: ''` is dropped on update so it does not clear the stored one. */
  async function save(id: string | null, input: WebhookInput): Promise<Webhook> {
    const body = { ...input };
    if (id && body.secret === '') delete body.secret;
    const saved = id ? await webhooksApi.update(id, body) : await webhooksApi.create(body);
    await load();
    return saved;
  }

  async function clearSecret(id: string): Promise<void> {
    await webhooksApi.update(id, { secret: '' });
    await load();
  }

  async function remove(id: string): Promise<void> {
    await webhooksApi.remove(id);
    if (historyOf.value === id) {
      historyOf.value = null;
      deliveries.value = [];
    }
    await load();
  }

  async function test(id: string): Promise<void> {
    await webhooksApi.test(id);
  }

  async function loadDeliveries(id: string): Promise<void> {
    historyOf.value = id;
    deliveries.value = await webhooksApi.deliveries(id);
  }

  return { webhooks, deliveries, historyOf, load, save, clearSecret, remove, test, loadDeliveries };
});
