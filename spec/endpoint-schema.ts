/** The properties of an API endpoint, shared by the management cluster's and a pinned cell's. */
import type { JsonSchema } from './schema';

/** `host` and `port` of a Kubernetes API endpoint. */
export const ENDPOINT_PROPERTIES: Readonly<Record<'host' | 'port', JsonSchema>> = {
  host: {
    type: 'string',
    description: 'Host name or IP address.',
    minLength: 1,
    maxLength: 253,
    pattern: '^[A-Za-z0-9.:-]+$',
    'x-fix': 'use a host name or an IP address',
  },
  port: {
    type: 'integer',
    description: 'API server port.',
    minimum: 1,
    maximum: 65535,
    default: 6443,
    'x-fix': 'use a port from 1 to 65535',
  },
};
